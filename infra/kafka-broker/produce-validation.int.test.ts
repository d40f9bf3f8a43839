// Produce is validated as Kafka validates it: a batch whose count, offsets or records do not hold together is
// refused with CORRUPT_MESSAGE (2) and nothing of the request is stored; compressed batches are opened and
// checked too; max timestamps are recomputed so offsets by timestamp find the right record in every codec.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from './index';
import { buildBatch, fixCrc, type TestRecord } from './test-support/batch-builder';
import { produceBatch, RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

const CORRUPT_MESSAGE = 2;
const UNSUPPORTED_COMPRESSION_TYPE = 76;

/** ListOffsets v1 for one partition: [timestamp, offset]. */
async function offsetForTime(client: RawKafkaClient, topic: string, ts: number): Promise<[number, number]> {
  const r = await client.request(2, 1, (w) => {
    w.int32(-1);
    w.array([topic], (w2, t) => w2.string(t).array([ts], (w3, x) => w3.int32(0).int64(x)));
  });
  r.int32();
  r.string();
  r.int32();
  r.int32();
  assert.equal(r.int16(), 0);
  return [r.int64(), r.int64()];
}

describe('produce validation', () => {
  const dir = makeTempDir('produce-validation');
  let broker: Broker;
  let client: RawKafkaClient;
  const hw = (topic: string): number | undefined =>
    broker.listTopics().find((t) => t.name === topic)?.partitions[0]?.highWatermark;

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
    client = await RawKafkaClient.connect(broker.port);
  });

  after(async () => {
    client.close();
    await broker.stop();
    dir.remove();
  });

  test('hostile batches are refused with CORRUPT_MESSAGE and store nothing', async () => {
    await broker.createTopic('hostile', 1);
    assert.deepEqual(await produceBatch(client, 'hostile', 0, buildBatch([{ value: 'first' }])), [0, 0]);
    const hostile: Array<[string, Buffer]> = [];
    // count 1 with lastOffsetDelta 999999: would move the high watermark by a million
    const jump = buildBatch([{ value: 'x' }]);
    jump.writeInt32BE(999_999, 23);
    hostile.push(['lastOffsetDelta 999999 for one record', fixCrc(jump)]);
    // a count that agrees with lastOffsetDelta but not with the records inside
    const three = buildBatch([{ value: 'a' }, { value: 'b' }]);
    three.writeInt32BE(2, 23);
    three.writeInt32BE(3, 57);
    hostile.push(['count 3 over 2 records', fixCrc(three)]);
    const fewer = buildBatch([{ value: 'a' }, { value: 'b' }, { value: 'c' }]);
    fewer.writeInt32BE(1, 23);
    fewer.writeInt32BE(2, 57);
    hostile.push(['count 2 over 3 records', fixCrc(fewer)]);
    // records that do not parse under a valid CRC
    const garbage = buildBatch([{ value: 'some value bytes' }]);
    garbage.fill(0xff, 61);
    hostile.push(['garbage records', fixCrc(garbage)]);
    const badDelta = buildBatch([{ value: 'a' }, { value: 'b' }]);
    const second = 61 + 1 + badDelta.readInt8(61) / 2; // skip record 0 (length varint + body)
    badDelta.writeInt8(2 * 5, second + 3); // record 1: offset delta 5 instead of 1
    hostile.push(['offset delta 5 for record 1', fixCrc(badDelta)]);
    const zero = buildBatch([{ value: 'a' }]);
    zero.writeInt32BE(-1, 23);
    zero.writeInt32BE(0, 57);
    hostile.push(['an empty batch', fixCrc(zero.subarray(0, 61))]);
    const control = buildBatch([{ value: 'a' }]);
    control.writeInt16BE(0x20, 21);
    hostile.push(['a control batch', fixCrc(control)]);
    const snappy = buildBatch([{ value: 'compressed' }], { codec: 'snappy' });
    snappy.writeUInt8(0x7f, 61); // declared uncompressed length no longer matches
    hostile.push(['a snappy body that does not decode', fixCrc(snappy)]);
    for (const [what, batch] of hostile) {
      const fixed = Buffer.from(batch);
      fixed.writeInt32BE(fixed.length - 12, 8);
      assert.equal((await produceBatch(client, 'hostile', 0, fixCrc(fixed)))[0], CORRUPT_MESSAGE, what);
    }
    assert.equal(hw('hostile'), 1);
    assert.deepEqual(await produceBatch(client, 'hostile', 0, buildBatch([{ value: 'after' }])), [0, 1]);
    const read = await broker.readRecords('hostile', 0, 0, 10);
    assert.deepEqual(
      read.map((r) => String(r.value)),
      ['first', 'after'],
    );
  });

  test('a request with a good batch and a bad one stores neither', async () => {
    await broker.createTopic('all-or-nothing', 1);
    const good = buildBatch([{ value: 'good' }]);
    const bad = buildBatch([{ value: 'bad' }]);
    bad.writeInt32BE(7, 23);
    const both = Buffer.concat([good, fixCrc(bad)]);
    assert.equal((await produceBatch(client, 'all-or-nothing', 0, both))[0], CORRUPT_MESSAGE);
    assert.equal(hw('all-or-nothing'), 0);
  });

  test('gzip, snappy, lz4 and zstd batches are opened, checked and stored compressed; zstd needs Produce v7', async () => {
    await broker.createTopic('codecs', 1);
    const records: TestRecord[] = [{ key: 'k', value: 'v1', headers: { h: '1' } }, { value: 'v2' }];
    for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const [code] = await produceBatch(client, 'codecs', 0, buildBatch(records, { codec }));
      assert.equal(code, 0, codec);
    }
    const stored = await broker.readRecords('codecs', 0, 0, 100);
    assert.deepEqual(
      stored.map((r) => [r.codec, r.decoded, r.value === null ? null : String(r.value)]),
      [
        ['gzip', true, 'v1'],
        ['gzip', true, 'v2'],
        ['snappy', true, 'v1'],
        ['snappy', true, 'v2'],
        ['lz4', true, 'v1'],
        ['lz4', true, 'v2'],
        ['zstd', true, 'v1'],
        ['zstd', true, 'v2'],
      ],
    );
    const v3 = await client.request(0, 3, (w) => {
      w.nullableString(null).int16(-1).int32(10_000);
      w.array(['codecs'], (w2, t) =>
        w2.string(t).array([0], (w3, p) => w3.int32(p).bytes(buildBatch(records, { codec: 'zstd' }))),
      );
    });
    v3.int32();
    v3.string();
    v3.int32();
    v3.int32();
    assert.equal(v3.int16(), UNSUPPORTED_COMPRESSION_TYPE);
    assert.equal(hw('codecs'), 8);
    // a zstd body whose frame does not decode is refused like any other corrupt batch
    const zstd = buildBatch(records, { codec: 'zstd' });
    zstd.writeUInt8(0x00, 61); // breaks the frame magic
    assert.equal((await produceBatch(client, 'codecs', 0, fixCrc(zstd)))[0], CORRUPT_MESSAGE);
    assert.equal(hw('codecs'), 8);
  });

  test('offsets by timestamp look inside every batch the broker can open, and -1 past the end', async () => {
    await broker.createTopic('by-time', 1);
    const t0 = 1_700_000_000_000;
    const spaced: TestRecord[] = [0, 10, 20, 30].map((d) => ({ value: `at+${d}`, timestampDelta: d }));
    // sarama writes maxTimestamp -1: the broker must not trust it
    await produceBatch(client, 'by-time', 0, buildBatch(spaced, { timestamp: t0, maxTimestamp: -1 }));
    for (const codec of ['gzip', 'snappy', 'lz4'] as const) {
      await produceBatch(client, 'by-time', 0, buildBatch(spaced, { timestamp: t0 + 1000, codec }));
    }
    await produceBatch(client, 'by-time', 0, buildBatch(spaced, { timestamp: t0 + 2000, codec: 'zstd' }));
    assert.deepEqual(await offsetForTime(client, 'by-time', t0 + 15), [t0 + 20, 2]);
    assert.deepEqual(await offsetForTime(client, 'by-time', t0 + 30), [t0 + 30, 3]);
    assert.deepEqual(await offsetForTime(client, 'by-time', t0 + 1000), [t0 + 1000, 4]);
    const [, stored] = await broker.readRecords('by-time', 0, 0, 2);
    assert.equal(stored?.timestamp, t0 + 10);
    // all three compressed batches hold the same times: the first one that reaches ts answers
    assert.deepEqual(await offsetForTime(client, 'by-time', t0 + 1025), [t0 + 1030, 7]);
    assert.deepEqual(await offsetForTime(client, 'by-time', t0 + 2011), [t0 + 2020, 18]);
    assert.deepEqual(await offsetForTime(client, 'by-time', t0 + 5000), [-1, -1]);
  });

  test('the partition stays readable to the end across a restart after hostile batches', async () => {
    await broker.createTopic('restart-readable', 1);
    await produceBatch(client, 'restart-readable', 0, buildBatch([{ value: 'kept' }]));
    const jump = buildBatch([{ value: 'x' }]);
    jump.writeInt32BE(999_999, 23);
    assert.equal((await produceBatch(client, 'restart-readable', 0, fixCrc(jump)))[0], CORRUPT_MESSAGE);
    client.close();
    await broker.stop();
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
    client = await RawKafkaClient.connect(broker.port);
    assert.equal(hw('restart-readable'), 1);
    assert.deepEqual(
      (await broker.readRecords('restart-readable', 0, 0, 10)).map((r) => String(r.value)),
      ['kept'],
    );
  });
});
