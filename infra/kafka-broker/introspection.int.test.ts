// The console's view: topics with offsets and sizes, the live append feed, decoded records (gzip included,
// other codecs reported as such) and groups with members, assignments and lag. None of it joins a group.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { startBroker, type Broker, type StoredRecord } from './index';
import type { AppendedBatch } from './introspection';
import { buildBatch } from './test-support/batch-builder';
import { produceBatch, RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

describe('introspection API', () => {
  const dir = makeTempDir('introspection');
  let broker: Broker;
  let kafka: Kafka;

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger(), initialRebalanceDelayMs: 0 });
    kafka = new Kafka({ brokers: [broker.address], clientId: 'console-test', logLevel: logLevel.NOTHING });
  });
  after(async () => {
    await broker.stop();
    dir.remove();
  });

  test('onAppendBatch tells each batch with its record count, and reads its records when asked', async () => {
    await broker.createTopic('im-batches', 1);
    const batches: AppendedBatch[] = [];
    const unsubscribe = broker.onAppendBatch((b) => batches.push(b));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'im-batches', messages: ['one', 'two', 'three'].map((value) => ({ value })) });
    await producer.send({ topic: 'im-batches', messages: [{ value: 'four' }] });
    await producer.disconnect();
    // Listeners hear of a batch after the produce request was answered: give that turn a moment.
    await new Promise((resolve) => setTimeout(resolve, 50));
    unsubscribe();

    assert.deepEqual(
      batches.map((b) => [b.topic, b.partition, b.count]),
      [
        ['im-batches', 0, 3],
        ['im-batches', 0, 1],
      ],
    );
    const first = batches[0]?.records() ?? [];
    assert.deepEqual(
      first.map((r) => [r.offset, String(r.value)]),
      [
        [0, 'one'],
        [1, 'two'],
        [2, 'three'],
      ],
    );
    assert.equal(batches[0]?.records(), first, 'read once');
    assert.deepEqual(
      batches[1]?.records().map((r) => [r.offset, String(r.value)]),
      [[3, 'four']],
    );
  });

  test('onAppend streams each record with headers; readRecords decodes gzip batches', async () => {
    await broker.createTopic('im-push', 2);
    const feed: StoredRecord[] = [];
    const unsubscribe = broker.onAppend((r) => feed.push(r));
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'im-push',
      compression: CompressionTypes.GZIP,
      messages: [
        { partition: 1, key: 'alice', value: 'hi bob', headers: { traceparent: '00-abc-01' } },
        { partition: 1, key: 'bob', value: 'hi alice', headers: { traceparent: '00-def-01' } },
      ],
    });
    unsubscribe();
    await producer.send({ topic: 'im-push', messages: [{ partition: 0, value: 'after unsubscribe' }] });
    await producer.disconnect();

    assert.deepEqual(
      feed.map((r) => [
        r.topic,
        r.partition,
        r.offset,
        String(r.key),
        String(r.value),
        String(r.headers[0]?.value),
        r.codec,
      ]),
      [
        ['im-push', 1, 0, 'alice', 'hi bob', '00-abc-01', 'gzip'],
        ['im-push', 1, 1, 'bob', 'hi alice', '00-def-01', 'gzip'],
      ],
    );
    const fromOne = await broker.readRecords('im-push', 1, 1, 10);
    assert.deepEqual(
      fromOne.map((r) => [r.offset, String(r.value), r.decoded]),
      [[1, 'hi alice', true]],
    );
    const topic = broker.listTopics().find((t) => t.name === 'im-push');
    assert.deepEqual(
      topic?.partitions.map((p) => [p.partition, p.logStartOffset, p.highWatermark]),
      [
        [0, 0, 1],
        [1, 0, 2],
      ],
    );
    assert.ok((topic?.partitions[1]?.bytes ?? 0) > 0);
  });

  test('snappy, lz4 and zstd batches are decoded for the console too', async () => {
    const client = await RawKafkaClient.connect(broker.port);
    for (const codec of ['snappy', 'lz4', 'zstd'] as const) {
      await broker.createTopic(`${codec}-data`, 1);
      const batch = buildBatch([{ key: 'k', value: `in ${codec}` }], { codec });
      assert.deepEqual(await produceBatch(client, `${codec}-data`, 0, batch), [0, 0]);
      const [rec] = await broker.readRecords(`${codec}-data`, 0, 0, 10);
      assert.equal(rec?.codec, codec);
      assert.equal(rec?.decoded, true);
      assert.equal(String(rec?.value), `in ${codec}`);
    }
    client.close();
  });

  test(
    'describeGroups shows members, their partitions and the lag of committed offsets',
    { timeout: 30_000 },
    async () => {
      await broker.createTopic('im-task', 3);
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic: 'im-task',
        messages: [0, 1, 2, 0].map((p, i) => ({ partition: p, value: `job-${i}` })),
      });
      const consumer = kafka.consumer({ groupId: 'im-task-workers', maxWaitTimeInMs: 100 });
      await consumer.connect();
      await consumer.subscribe({ topic: 'im-task', fromBeginning: true });
      let n = 0;
      let allRead: () => void = () => undefined;
      const read = new Promise<void>((resolve) => (allRead = resolve));
      await consumer.run({
        eachMessage: async () => {
          if (++n === 4) allRead();
        },
      });
      await read;
      const live = broker.describeGroups().find((g) => g.groupId === 'im-task-workers');
      assert.equal(live?.state, 'Stable');
      assert.equal(live?.protocol, 'RoundRobinAssigner');
      assert.equal(live?.members[0]?.clientId, 'console-test');
      assert.deepEqual(live?.members[0]?.assigned, [{ topic: 'im-task', partitions: [0, 1, 2] }]);
      await consumer.disconnect();
      await producer.send({ topic: 'im-task', messages: [{ partition: 2, value: 'unread' }] });
      await producer.disconnect();
      const idle = broker.describeGroups().find((g) => g.groupId === 'im-task-workers');
      assert.equal(idle?.state, 'Empty');
      assert.deepEqual(
        idle?.offsets.map((o) => [o.partition, o.committedOffset, o.lag]),
        [
          [0, 2, 0],
          [1, 1, 0],
          [2, 1, 1],
        ],
      );
    },
  );
});
