// Protocol-level checks with raw frames: idempotent dedup, sequence gaps, acks=0, version negotiation,
// out-of-range fetches and groups whose assignors do not intersect.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from './index';
import { buildBatch } from './test-support/batch-builder';
import { fetchPartition, produceBatch, produceBody, RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

describe('wire protocol', () => {
  const dir = makeTempDir('protocol');
  let broker: Broker;
  let client: RawKafkaClient;

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
    await broker.createTopic('receipts', 2);
    client = await RawKafkaClient.connect(broker.port);
  });

  after(async () => {
    client.close();
    await broker.stop();
    dir.remove();
  });

  test('a retried idempotent batch is stored once and answered with its original offset', async () => {
    const init = await client.request(22, 1, (w) => w.nullableString(null).int32(60_000));
    init.int32();
    assert.equal(init.int16(), 0);
    const producerId = init.int64();
    const epoch = init.int16();
    const first = buildBatch([{ value: 'a' }, { value: 'b' }, { value: 'c' }], {
      producerId,
      producerEpoch: epoch,
      baseSequence: 0,
    });
    assert.deepEqual(await produceBatch(client, 'receipts', 0, Buffer.from(first)), [0, 0]);
    assert.deepEqual(await produceBatch(client, 'receipts', 0, Buffer.from(first)), [0, 0]);
    const next = buildBatch([{ value: 'd' }], { producerId, producerEpoch: epoch, baseSequence: 3 });
    assert.deepEqual(await produceBatch(client, 'receipts', 0, next), [0, 3]);
    const gap = buildBatch([{ value: 'x' }], { producerId, producerEpoch: epoch, baseSequence: 10 });
    assert.equal((await produceBatch(client, 'receipts', 0, gap))[0], 45);
    const stored = await broker.readRecords('receipts', 0, 0, 100);
    assert.deepEqual(
      stored.map((r) => [r.offset, String(r.value)]),
      [
        [0, 'a'],
        [1, 'b'],
        [2, 'c'],
        [3, 'd'],
      ],
    );
  });

  test('a batch with a wrong CRC is refused and not stored', async () => {
    const batch = buildBatch([{ value: 'corrupt-me' }]);
    batch.writeUInt8(batch.readUInt8(batch.length - 1) ^ 0xff, batch.length - 1);
    assert.equal((await produceBatch(client, 'receipts', 1, batch))[0], 2);
    assert.equal(broker.listTopics().find((t) => t.name === 'receipts')?.partitions[1]?.highWatermark, 0);
  });

  test('acks=0 gets no response, yet the record is stored and later requests are answered', async () => {
    client.send(0, 7, produceBody('receipts', 1, buildBatch([{ value: 'fire-and-forget' }]), 0));
    const md = await client.request(3, 1, (w) => w.array(['receipts'], (w2, t) => w2.string(t)));
    assert.equal(md.int32(), 1); // brokers
    const records = await broker.readRecords('receipts', 1, 0, 10);
    assert.deepEqual(
      records.map((r) => String(r.value)),
      ['fire-and-forget'],
    );
  });

  test('ApiVersions of an unknown version answers UNSUPPORTED_VERSION with the ranges', async () => {
    const r = await client.request(18, 9, () => undefined);
    assert.equal(r.int16(), 35);
    const ranges = r.array((x) => [x.int16(), x.int16(), x.int16()]);
    assert.deepEqual(
      ranges.find((k) => k[0] === 18),
      [18, 0, 3],
    );
  });

  test('a fetch beyond the log end answers OFFSET_OUT_OF_RANGE at once', async () => {
    const r = await fetchPartition(client, { topic: 'receipts', partition: 0, offset: 999, maxWaitMs: 5000 }, 2000);
    assert.equal(r.int16(), 1);
  });

  test('a member whose assignors share nothing with the group is refused, not left hanging', async () => {
    // JoinGroup v5 of group mixed-clients offering these assignors
    const join = async (by: RawKafkaClient, memberId: string, protocols: string[]) => {
      const r = await by.request(11, 5, (w) => {
        w.string('mixed-clients').int32(10_000).int32(10_000).string(memberId).nullableString(null).string('consumer');
        w.array(protocols, (w2, p) => w2.string(p).bytes(Buffer.alloc(0)));
      });
      r.int32();
      return { code: r.int16(), generation: r.int32(), protocol: r.string(), leader: r.string(), memberId: r.string() };
    };
    const first = await join(client, '', ['RoundRobinAssigner']);
    assert.equal(first.code, 79); // MEMBER_ID_REQUIRED, then rejoin with the id
    const joined = await join(client, first.memberId, ['RoundRobinAssigner']);
    assert.equal(joined.code, 0);
    assert.equal(joined.protocol, 'RoundRobinAssigner');
    const other = await RawKafkaClient.connect(broker.port);
    try {
      const j1 = await join(other, '', ['range', 'roundrobin']);
      assert.equal((await join(other, j1.memberId, ['range', 'roundrobin'])).code, 23); // INCONSISTENT_GROUP_PROTOCOL
    } finally {
      other.close();
    }
  });

  test('a long-polling fetch is answered as soon as a record arrives', async () => {
    await broker.createTopic('wakeup', 1);
    // a 10 s timeout, far below max_wait: only a wake-up on append answers in time
    const fetching = fetchPartition(client, { topic: 'wakeup', partition: 0, offset: 0, maxWaitMs: 30_000 }, 10_000);
    const producer = await RawKafkaClient.connect(broker.port);
    assert.deepEqual(await produceBatch(producer, 'wakeup', 0, buildBatch([{ value: 'ding' }])), [0, 0]);
    producer.close();
    const r = await fetching;
    assert.equal(r.int16(), 0);
    assert.equal(r.int64(), 1); // high watermark
    r.int64();
    r.int64();
    r.int32();
    r.int32();
    assert.ok(r.int32() > 0, 'the fetch should carry the new batch');
  });
});
