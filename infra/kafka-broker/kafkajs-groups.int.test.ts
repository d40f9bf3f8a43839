// kafkajs end to end against the embedded broker: 100k records over 6 partitions read by a group of three,
// one of which leaves mid-run; then a restarted consumer resumes from the committed offsets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startBroker, type Broker } from './index';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

const TOPIC = 'chat-messages';
const PARTITIONS = 6;
const TOTAL = 100_000;

describe('kafkajs producer and consumer group', () => {
  const dir = makeTempDir('kafkajs');
  let broker: Broker;
  let kafka: Kafka;

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger(), initialRebalanceDelayMs: 300 });
    kafka = new Kafka({ brokers: [broker.address], clientId: 'groups-test', logLevel: logLevel.NOTHING });
  });

  after(async () => {
    await broker.stop();
    dir.remove();
  });

  test(
    'every record is consumed in partition order while a member leaves, and commits are resumed',
    { timeout: 240_000 },
    async () => {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });

      const seen = new Set<number>();
      let allSeen: () => void = () => undefined;
      const allSeenP = new Promise<void>((resolve) => (allSeen = resolve));
      let thirtyK: () => void = () => undefined;
      const thirtyKP = new Promise<void>((resolve) => (thirtyK = resolve));
      const orderViolations: string[] = [];

      const startMember = async (name: string): Promise<Consumer> => {
        const consumer = kafka.consumer({
          groupId: 'fanout',
          maxWaitTimeInMs: 200,
          heartbeatInterval: 300,
          sessionTimeout: 10_000,
        });
        const lastOffset = new Map<number, number>();
        consumer.on(consumer.events.GROUP_JOIN, () => lastOffset.clear());
        await consumer.connect();
        await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
        await consumer.run({
          eachBatch: async ({ batch }) => {
            for (const m of batch.messages) {
              const offset = Number(m.offset);
              const value = Number(String(m.value));
              // record i went to partition i % 6 as that partition's (i / 6)-th record
              if (value % PARTITIONS !== batch.partition || Math.floor(value / PARTITIONS) !== offset) {
                orderViolations.push(`${name}: p${batch.partition} offset ${offset} holds ${value}`);
              }
              const prev = lastOffset.get(batch.partition);
              if (prev !== undefined && offset <= prev)
                orderViolations.push(`${name}: p${batch.partition} went from ${prev} to ${offset}`);
              lastOffset.set(batch.partition, offset);
              seen.add(value);
            }
            if (seen.size >= 30_000) thirtyK();
            if (seen.size === TOTAL) allSeen();
          },
        });
        return consumer;
      };

      const members = [await startMember('a'), await startMember('b'), await startMember('c')];

      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const produceRange = async (from: number, to: number) => {
        for (let start = from; start < to; start += 2000) {
          const messages = [];
          for (let i = start; i < start + 2000; i++)
            messages.push({ partition: i % PARTITIONS, key: `user-${i % 97}`, value: String(i) });
          await producer.send({ topic: TOPIC, acks: -1, messages });
        }
      };
      // half the records, then a member leaves while the group is reading, then the other half
      await produceRange(0, TOTAL / 2);
      await thirtyKP;
      await members[2]?.disconnect();
      await produceRange(TOTAL / 2, TOTAL);
      await allSeenP;
      assert.deepEqual(orderViolations, []);
      assert.equal(seen.size, TOTAL);

      await Promise.all([members[0]?.disconnect(), members[1]?.disconnect()]);
      const committed = await admin.fetchOffsets({ groupId: 'fanout', topics: [TOPIC] });
      const byPartition = committed[0]?.partitions
        .map((p) => [p.partition, Number(p.offset)])
        .sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
      assert.deepEqual(
        byPartition,
        [...Array(PARTITIONS).keys()].map((p) => [
          p,
          Math.floor(TOTAL / PARTITIONS) + (p < TOTAL % PARTITIONS ? 1 : 0),
        ]),
      );

      // a consumer restarted in the same group starts from the commits: it gets only the new records
      await producer.send({
        topic: TOPIC,
        messages: [...Array(60).keys()].map((k) => ({ partition: k % PARTITIONS, value: `late-${k}` })),
      });
      const restarted = kafka.consumer({ groupId: 'fanout', maxWaitTimeInMs: 200, heartbeatInterval: 300 });
      const late: string[] = [];
      let gotLate: () => void = () => undefined;
      const gotLateP = new Promise<void>((resolve) => (gotLate = resolve));
      await restarted.connect();
      await restarted.subscribe({ topic: TOPIC, fromBeginning: true });
      await restarted.run({
        eachMessage: async ({ message }) => {
          late.push(String(message.value));
          if (late.length >= 60) gotLate();
        },
      });
      await gotLateP;
      await restarted.disconnect();
      assert.equal(late.length, 60);
      assert.ok(
        late.every((v) => v.startsWith('late-')),
        `a restarted member re-read old records: ${late
          .filter((v) => !v.startsWith('late-'))
          .slice(0, 3)
          .join(', ')}`,
      );

      const group = broker.describeGroups().find((g) => g.groupId === 'fanout');
      assert.equal(
        group?.offsets.reduce((n, o) => n + o.lag, 0),
        0,
      );
      await producer.disconnect();
      await admin.disconnect();
    },
  );
});
