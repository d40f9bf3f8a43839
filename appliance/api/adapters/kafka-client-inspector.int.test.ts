// The client inspector against a real broker reached only by its address, as external Kafka would be: our
// embedded broker runs in-process here, but the inspector sees nothing but "127.0.0.1:<port>".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { startBroker, type Broker } from '../../../infra/kafka-broker';
import type { BrokerRecord } from '../ports';
import { startApplianceApi } from '../appliance-api';
import { UnavailableError } from '../http/errors';
import { FakeControl } from '../test-support';
import { ApplianceKafkaInspector } from './appliance-kafka-inspector';
import { KafkaClientInspector } from './kafka-client-inspector';

const TOPIC = 'gochat.user-events';
const GROUP = 'im-task-presence';
const text = (bytes: Uint8Array | null | undefined): string | null => (bytes ? Buffer.from(bytes).toString() : null);

let dir: string;
let broker: Broker;
let kafka: Kafka;
let producer: Producer;
let inspector: KafkaClientInspector;

async function publishOnline(userIds: string[]): Promise<void> {
  await producer.send({
    topic: TOPIC,
    acks: -1,
    messages: userIds.map((userId) => ({
      partition: 0,
      key: userId,
      value: JSON.stringify({ userId, online: true }),
      headers: { 'event-type': 'user.online', 'trace-id': `trace-${userId}` },
    })),
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gochat-client-inspector-'));
  broker = await startBroker({
    dataDir: join(dir, 'kafka'),
    port: 0,
    defaultPartitions: 2,
    initialRebalanceDelayMs: 0,
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  });
  kafka = new Kafka({ clientId: 'test-publisher', brokers: [broker.address], logLevel: logLevel.NOTHING });
  producer = kafka.producer();
  await producer.connect();
  await publishOnline(['u1', 'u2', 'u3']);
  inspector = new KafkaClientInspector(broker.address);
});

after(async () => {
  await inspector.close();
  await producer.disconnect();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('KafkaClientInspector over the Kafka protocol', () => {
  test('lists topics with their partitions and watermarks', async () => {
    const topics = await inspector.listTopics();
    const topic = topics.find((t) => t.name === TOPIC);
    assert.ok(topic, `topic ${TOPIC} listed; got ${topics.map((t) => t.name).join(', ')}`);
    assert.deepEqual(topic.partitions, [
      { partition: 0, lowWatermark: 0, highWatermark: 3 },
      { partition: 1, lowWatermark: 0, highWatermark: 0 },
    ]);
    assert.ok(
      topics.every((t) => !t.name.startsWith('__')),
      'internal topics are hidden',
    );
  });

  test('reads records of a partition from an offset, with keys, headers and values, and leaves no group', async () => {
    const reader = new KafkaClientInspector(broker.address);
    try {
      const records = await reader.readRecords(TOPIC, 0, 1, 10);
      assert.deepEqual(
        records.map((r) => [r.offset, text(r.key), text(r.headers['event-type']), text(r.headers['trace-id'])]),
        [
          [1, 'u2', 'user.online', 'trace-u2'],
          [2, 'u3', 'user.online', 'trace-u3'],
        ],
      );
      assert.deepEqual(JSON.parse(text(records[0]?.value) ?? 'null'), { userId: 'u2', online: true });
      // Backwards, forwards and single records, as the records browser's time search reads.
      assert.deepEqual(
        (await reader.readRecords(TOPIC, 0, 0, 1)).map((r) => text(r.key)),
        ['u1'],
        'max is respected',
      );
      assert.deepEqual(
        (await reader.readRecords(TOPIC, 0, 2, 1)).map((r) => text(r.key)),
        ['u3'],
      );
      assert.deepEqual(
        (await reader.readRecords(TOPIC, 0, 0, 2)).map((r) => text(r.key)),
        ['u1', 'u2'],
      );
      assert.deepEqual(await reader.readRecords(TOPIC, 0, 3, 10), [], 'nothing past the high watermark');
      assert.deepEqual(await reader.readRecords(TOPIC, 1, 0, 10), [], 'an empty partition');
    } finally {
      await reader.close();
    }
    const admin = kafka.admin();
    await admin.connect();
    const { groups } = await admin.listGroups();
    await admin.disconnect();
    assert.deepEqual(
      groups.filter((g) => g.groupId.startsWith('gochat-console-')),
      [],
      'browsing leaves no consumer group behind once the inspector is closed',
    );
  });

  test("shows a group that committed, with its members' state and lag", async () => {
    const consumer = kafka.consumer({ groupId: GROUP });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    let seen = 0;
    const consumedTwo = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          seen += 1;
          if (seen <= 2) {
            await consumer.commitOffsets([{ topic: TOPIC, partition, offset: String(Number(message.offset) + 1) }]);
          }
          if (seen === 2) resolve();
        },
      });
    });
    await withTimeout(consumedTwo, 'the test consumer did not read two records');
    await consumer.disconnect();

    const group = (await inspector.describeGroups()).find((g) => g.groupId === GROUP);
    assert.ok(group, 'the group is listed');
    assert.deepEqual(
      group.partitions.find((p) => p.topic === TOPIC && p.partition === 0),
      { topic: TOPIC, partition: 0, committedOffset: 2, highWatermark: 3, lag: 1 },
    );
    assert.equal(group.members, 0, 'the consumer left');
    assert.equal(group.state, 'Empty');
    assert.ok(
      (await inspector.describeGroups()).every((g) => !g.groupId.startsWith('gochat-console-')),
      "the console's own groups are not shown",
    );
  });

  test('reports records appended after subscribing, in the record shape', async () => {
    const received: BrokerRecord[] = [];
    let wake: () => void = () => undefined;
    const unsubscribe = inspector.onAppend((appended) => {
      received.push(...appended.records());
      wake();
    });
    try {
      await inspector.appendFeedReady();
      await publishOnline(['u4', 'u5']);
      await withTimeout(
        new Promise<void>((resolve) => {
          wake = () => {
            if (received.length >= 2) resolve();
          };
          wake();
        }),
        'the append feed did not report the two new records',
      );
      assert.deepEqual(
        received.map((r) => [r.topic, r.partition, r.offset, text(r.key), text(r.headers['event-type'])]),
        [
          [TOPIC, 0, 3, 'u4', 'user.online'],
          [TOPIC, 0, 4, 'u5', 'user.online'],
        ],
      );
      assert.ok(received.every((r) => r.timestampMs > 0));

      // A topic created while the feed runs is followed from its first record.
      await producer.send({ topic: 'gochat.notifications', acks: -1, messages: [{ key: 'n1', value: 'hello' }] });
      await withTimeout(
        new Promise<void>((resolve) => {
          wake = () => {
            if (received.some((r) => r.topic === 'gochat.notifications')) resolve();
          };
          wake();
        }),
        'the append feed did not follow a topic created after it started',
      );
      const fresh = received.filter((r) => r.topic === 'gochat.notifications');
      assert.deepEqual(
        fresh.map((r) => [r.offset, text(r.key), text(r.value)]),
        [[0, 'n1', 'hello']],
      );
    } finally {
      unsubscribe();
    }
  });
});

describe('ApplianceKafkaInspector', () => {
  test('uses the Kafka protocol when the infra is not embedded, and says so when the embedded broker is gone', async () => {
    const external = new ApplianceKafkaInspector(() => ({ kind: 'external', kafkaBrokers: broker.address }));
    const restarting = new ApplianceKafkaInspector(() => ({ kind: 'embedded', kafkaBrokers: broker.address }));
    try {
      const topics = await external.listTopics();
      assert.ok(topics.some((t) => t.name === TOPIC));
      const [first] = await external.readRecords(TOPIC, 0, 0, 1);
      assert.equal(text(first?.key), 'u1');
      await assert.rejects(restarting.listTopics(), UnavailableError);
    } finally {
      await external.close();
      await restarting.close();
    }
  });

  test("the console's Topics endpoints answer over external Kafka", async () => {
    const kafkaOfInfra = new ApplianceKafkaInspector(() => ({ kind: 'external', kafkaBrokers: broker.address }));
    const api = await startApplianceApi({
      control: new FakeControl(['im-task']),
      kafka: kafkaOfInfra,
      port: 0,
      rendererDir: () => null,
    });
    const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${api.token}` } });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    try {
      const topics = await get('/api/topics');
      assert.equal(topics.status, 200);
      assert.ok((topics.body.topics as { name: string }[]).some((t) => t.name === TOPIC));
      const groups = await get('/api/groups');
      assert.equal(groups.status, 200);
      assert.ok((groups.body.groups as { groupId: string }[]).some((g) => g.groupId === GROUP));
      const oldest = await get(`/api/topics/${TOPIC}/records?from=oldest`);
      assert.equal(oldest.status, 200);
      const keys = (oldest.body.records as { key: string }[]).map((r) => r.key);
      assert.deepEqual(keys.slice(0, 3), ['u1', 'u2', 'u3']);
      const byKey = await get(`/api/topics/${TOPIC}/records?from=oldest&key=u2`);
      assert.deepEqual(
        (byKey.body.records as { key: string }[]).map((r) => r.key),
        ['u2'],
      );
      const future = await get(`/api/topics/${TOPIC}/records?from=time&time=${Date.now() + 60_000}`);
      assert.deepEqual(future.body.records, []);
    } finally {
      await api.close();
      await kafkaOfInfra.close();
    }
  });
});

describe('KafkaClientInspector across a Kafka restart', () => {
  test('the append feed resumes where it was once the broker is back, and reads work again', async () => {
    const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
    const dataDir = mkdtempSync(join(tmpdir(), 'gochat-client-inspector-restart-'));
    let restarting = await startBroker({ dataDir, port: 0, initialRebalanceDelayMs: 0, logger: quiet });
    const address = restarting.address;
    const client = new Kafka({ clientId: 'test-restart', brokers: [address], logLevel: logLevel.NOTHING });
    const send = async (key: string): Promise<void> => {
      const oneShot = client.producer();
      await oneShot.connect();
      await oneShot.send({ topic: 'gochat.messages', acks: -1, messages: [{ key, value: key }] });
      await oneShot.disconnect();
    };
    const watcher = new KafkaClientInspector(address);
    const keys: string[] = [];
    let wake: () => void = () => undefined;
    const unsubscribe = watcher.onAppend((appended) => {
      keys.push(...appended.records().map((r) => text(r.key) ?? ''));
      wake();
    });
    const seen = (key: string): Promise<void> =>
      withTimeout(
        new Promise<void>((resolve) => {
          wake = () => {
            if (keys.includes(key)) resolve();
          };
          wake();
        }),
        `the append feed did not report "${key}"; it reported ${keys.join(', ') || 'nothing'}`,
      );
    try {
      await watcher.appendFeedReady();
      await send('before');
      await seen('before');
      await restarting.stop();
      // Wait until the outage is seen from the client side before Kafka comes back.
      await withTimeout(
        (async () => {
          while (
            await watcher.listTopics().then(
              () => true,
              () => false,
            )
          ) {
            /* still answered from before the stop */
          }
        })(),
        'the inspector never noticed the broker had stopped',
      );
      restarting = await startBroker({ dataDir, port: restarting.port, initialRebalanceDelayMs: 0, logger: quiet });
      await send('after');
      await seen('after');
      assert.deepEqual(keys, ['before', 'after']);
      assert.deepEqual(
        (await watcher.readRecords('gochat.messages', 0, 0, 10)).map((r) => text(r.key)),
        ['before', 'after'],
      );
    } finally {
      unsubscribe();
      await watcher.close();
      await restarting.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function withTimeout<T>(promise: Promise<T>, message: string, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
