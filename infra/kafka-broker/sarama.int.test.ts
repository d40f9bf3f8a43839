// Go sarama 1.22.1 (Debian's golang-github-shopify-sarama-dev) against the broker, through the small client in
// test-support/sarama/main.go: with its default config (Kafka 0.8.2: Metadata v0, Produce v0 message sets,
// ListOffsets v0, Fetch v0), as 0.10.2 (the lowest version its consumer groups accept: Fetch v3 with magic 1
// timestamps, OffsetCommit v2) and as 2.2.0, the newest it knows (Produce v3 record batches, Fetch v4); its admin
// client from 1.0.0 (Metadata, DescribeConfigs, ListGroups, CreateTopics, CreatePartitions).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from './index';
import { buildBatch } from './test-support/batch-builder';
import { run } from './test-support/processes';
import { produceBatch, RawKafkaClient } from './test-support/raw-client';
import { buildSaramaClient, saramaMissing } from './test-support/sarama-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

const skip = saramaMissing();
const T0 = 1_700_000_000_000; // the client stamps message i with T0 + i seconds

type Row = [offset: number, value: string, timestamp: number];

describe('sarama (Go) compatibility', { skip: skip ?? false }, () => {
  const dir = makeTempDir('sarama');
  let broker: Broker;
  let binary: string;

  async function sarama<T>(command: string, args: Record<string, unknown>): Promise<T> {
    const res = await run(binary, [command, JSON.stringify({ bootstrap: broker.address, ...args })], null, 120_000);
    assert.equal(res.code, 0, `sarama ${command} ${JSON.stringify(args)} failed: ${res.stderr.slice(-2000)}`);
    return JSON.parse(res.stdout.trim().split('\n').pop() ?? '') as T;
  }

  before(async () => {
    binary = buildSaramaClient(); // cached in the temp dir: only the first run on a machine compiles
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger(), initialRebalanceDelayMs: 200 });
  });

  after(async () => {
    await broker?.stop(); // undefined when the build failed
    dir.remove();
  });

  test('default config (0.8.2): produces plain, gzip and snappy, and consumes them and modern batches', async () => {
    const topic = 'sarama-default';
    const sent: string[] = [];
    for (const codec of ['none', 'gzip', 'snappy']) {
      const { offsets } = await sarama<{ offsets: number[] }>('produce', { topic, codec, count: 3, prefix: codec });
      assert.deepEqual(
        offsets,
        [0, 1, 2].map((i) => sent.length + i),
        codec,
      );
      sent.push(...[0, 1, 2].map((i) => `${codec}-${i}`));
    }
    const stored = await broker.readRecords(topic, 0, 0, 100);
    assert.deepEqual(
      stored.map((r) => [r.offset, String(r.key), String(r.value)]),
      sent.map((v, i) => [i, `k${i % 3}`, v]),
    );
    // batches as kafkajs, librdkafka and kafka-python write them (magic 2, headers, every codec but zstd)
    const client = await RawKafkaClient.connect(broker.port);
    try {
      for (const codec of ['gzip', 'lz4', 'snappy', 'none'] as const) {
        const batch = buildBatch([{ value: `v2-${codec}`, headers: { trace: 'x' } }], { codec, timestamp: T0 });
        assert.equal((await produceBatch(client, topic, 0, batch))[0], 0);
        sent.push(`v2-${codec}`);
      }
    } finally {
      client.close();
    }
    const got = await sarama<{ rows: Row[]; oldest: number; newest: number }>('consume', { topic, count: sent.length });
    assert.equal(got.oldest, 0);
    assert.equal(got.newest, sent.length);
    assert.deepEqual(
      got.rows.map(([offset, value]) => [offset, value]),
      sent.map((v, i) => [i, v]),
    );
  });

  test('default config: sarama itself refuses consumer groups below 0.10.2 (so the table says which to set)', async () => {
    const args = { bootstrap: broker.address, topic: 'sarama-default', group: 'g', count: 1 };
    const res = await run(binary, ['group', JSON.stringify(args)], null, 60_000);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /consumer groups require Version to be >= V0_10_2_0/);
  });

  test('default config: the OffsetManager commits (OffsetCommit v1) and reads back (OffsetFetch v1)', async () => {
    const args = { topic: 'sarama-default', group: 'sarama-offsets', count: 3 };
    // no commit yet: NextOffset is sarama's Offsets.Initial (-1, newest); the client marks what it got + count
    assert.deepEqual(await sarama('commit', args), { before: -1, after: 2 });
    assert.deepEqual(await sarama('commit', args), { before: 2, after: 5 });
  });

  test('0.10.2: timestamps round-trip through magic 1, and a consumer group commits and resumes', async () => {
    const topic = 'sarama-0102';
    const version = '0.10.2.0';
    await sarama('produce', { topic, version, codec: 'gzip', count: 4, prefix: 'first' });
    const got = await sarama<{ rows: Row[] }>('consume', { topic, version, count: 4 });
    assert.deepEqual(
      got.rows,
      [0, 1, 2, 3].map((i) => [i, `first-${i}`, T0 + i * 1000]),
    );
    const group = 'sarama-group';
    const first = await sarama<{ rows: Array<[number, number, string]> }>('group', { topic, version, group, count: 4 });
    assert.deepEqual(
      first.rows,
      [0, 1, 2, 3].map((i) => [0, i, `first-${i}`]),
    );
    assert.deepEqual(
      broker
        .describeGroups()
        .find((g) => g.groupId === group)
        ?.offsets.map((o) => o.committedOffset),
      [4],
    );
    // a new member of the same group starts after the commit
    await sarama('produce', { topic, version, count: 2, prefix: 'second' });
    const second = await sarama<{ rows: Array<[number, number, string]> }>('group', {
      topic,
      version,
      group,
      count: 2,
    });
    assert.deepEqual(second.rows, [
      [0, 4, 'second-0'],
      [0, 5, 'second-1'],
    ]);
  });

  test('admin from 1.0.0 (sarama refuses it below): topics created, grown and listed with cluster and groups', async () => {
    const refused = await run(binary, ['admin', JSON.stringify({ bootstrap: broker.address })], null, 60_000);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /cluster admin: kafka server: The version of API is not supported/);
    type Admin = { brokers: number; controller: number; topics: Record<string, number>; groups: string[] };
    // sarama checks each request's first Kafka version itself: CreatePartitions needs 1.0, DescribeConfigs 0.11
    for (const version of ['1.0.0', '2.2.0']) {
      const topic = `sarama-admin-${version}`;
      const got = await sarama<Admin>('admin', { version, topic, create: true });
      assert.equal(got.brokers, 1);
      // (no controller check: sarama 1.22's DescribeCluster asks with Metadata v0, which has no controller field)
      assert.equal(got.topics[topic], 3, version);
      assert.equal(got.topics['sarama-default'], 1);
      assert.ok(got.groups.includes('sarama-group'), JSON.stringify(got.groups));
      assert.equal(broker.listTopics().find((t) => t.name === topic)?.partitions.length, 3);
    }
  });

  test('2.2.0 (the newest sarama 1.22 knows): lz4 record batches produced and consumed', async () => {
    const topic = 'sarama-220';
    const version = '2.2.0';
    const { offsets } = await sarama<{ offsets: number[] }>('produce', {
      topic,
      version,
      codec: 'lz4',
      count: 3,
      prefix: 'lz4',
    });
    assert.deepEqual(offsets, [0, 1, 2]);
    const stored = await broker.readRecords(topic, 0, 0, 10);
    assert.ok(stored.every((r) => r.codec === 'lz4'));
    const got = await sarama<{ rows: Row[] }>('consume', { topic, version, count: 3 });
    assert.deepEqual(
      got.rows,
      [0, 1, 2].map((i) => [i, `lz4-${i}`, T0 + i * 1000]),
    );
  });
});
