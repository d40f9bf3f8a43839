// What each Fetch version carries, checked with raw frames: Fetch v0-v3 (sarama's default config and other
// clients pinned below Kafka 0.11) get the old message sets, down-converted from the stored record batches
// (magic 0 for v0-v1, magic 1 with timestamps for v2-v3, compressed batches opened, records before the fetch
// offset left out); zstd batches, which cannot be down-converted, are refused there with
// UNSUPPORTED_COMPRESSION_TYPE and served as they are from Fetch v4 on (Kafka's rule under compression.type=producer);
// ListOffsets v0 answers the old offsets array.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { startBroker, type Broker } from './index';
import { Reader } from './codec/reader';
import type { Writer } from './codec/writer';
import { buildBatch, type BatchOptions } from './test-support/batch-builder';
import { produceBatch, RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

const UNSUPPORTED_COMPRESSION_TYPE = 76;
const T0 = 1_700_000_000_000;

interface OldMessage {
  offset: number;
  magic: number;
  attributes: number;
  timestamp: number | null;
  key: string | null;
  value: string | null;
}

/** Reads a message set strictly: every message whole, its CRC32 right, nothing left over. */
function readMessageSet(set: Buffer): OldMessage[] {
  const r = new Reader(set);
  const out: OldMessage[] = [];
  while (r.remaining > 0) {
    const offset = r.int64();
    const size = r.int32();
    const start = r.pos;
    const crc = r.int32() >>> 0;
    assert.equal(crc32(set.subarray(start + 4, start + size)), crc, `CRC32 of the message at offset ${offset}`);
    const magic = r.int8();
    const attributes = r.int8();
    const timestamp = magic === 1 ? r.int64() : null;
    const key = r.nullableBytes();
    const value = r.nullableBytes();
    assert.equal(r.pos, start + size, `message at offset ${offset} uses its declared size`);
    out.push({ offset, magic, attributes, timestamp, key: key?.toString() ?? null, value: value?.toString() ?? null });
  }
  return out;
}

/** The codec of each record batch in a Fetch v4+ answer. */
function batchCodecs(records: Buffer): number[] {
  const codecs: number[] = [];
  for (let at = 0; at < records.length; at += 12 + records.readInt32BE(at + 8)) {
    codecs.push(records.readInt16BE(at + 21) & 7);
  }
  return codecs;
}

interface FetchAnswer {
  errorCode: number;
  highWatermark: number;
  records: Buffer;
}

/** One Fetch of one partition at `version`, parsed in that version's response layout (all of it, strictly). */
async function fetch(
  client: RawKafkaClient,
  version: number,
  topic: string,
  offset: number,
  partitionMaxBytes = 1 << 20,
): Promise<FetchAnswer> {
  const r = await client.request(1, version, (w: Writer) => {
    w.int32(-1).int32(0).int32(1); // replica, max_wait_ms, min_bytes
    if (version >= 3) w.int32(1 << 20); // max_bytes
    if (version >= 4) w.int8(0); // isolation_level
    if (version >= 7) w.int32(0).int32(-1); // session
    w.array([topic], (w2, t) => {
      w2.string(t);
      w2.array([0], (w3, p) => {
        w3.int32(p);
        if (version >= 9) w3.int32(-1);
        w3.int64(offset);
        if (version >= 5) w3.int64(-1);
        w3.int32(partitionMaxBytes);
      });
    });
    if (version >= 7) w.int32(0);
    if (version >= 11) w.string('');
  });
  if (version >= 1) r.int32(); // throttle_time_ms
  if (version >= 7) assert.equal(r.int16(), 0);
  if (version >= 7) r.int32(); // session_id
  assert.equal(r.int32(), 1);
  assert.equal(r.string(), topic);
  assert.equal(r.int32(), 1);
  assert.equal(r.int32(), 0);
  const errorCode = r.int16();
  const highWatermark = r.int64();
  if (version >= 4) r.int64(); // last_stable_offset
  if (version >= 5) r.int64(); // log_start_offset
  if (version >= 4) assert.equal(r.int32(), -1); // aborted_transactions
  if (version >= 11) r.int32(); // preferred_read_replica
  const records = r.bytesField();
  assert.equal(r.remaining, 0, `Fetch v${version}: nothing after the records`);
  return { errorCode, highWatermark, records };
}

describe('Fetch and ListOffsets for old clients', () => {
  const dir = makeTempDir('fetch-formats');
  let broker: Broker;
  let client: RawKafkaClient;

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
    client = await RawKafkaClient.connect(broker.port);
  });

  after(async () => {
    client.close();
    await broker.stop();
    dir.remove();
  });

  async function produce(topic: string, records: Parameters<typeof buildBatch>[0], opts: BatchOptions) {
    const [code] = await produceBatch(client, topic, 0, buildBatch(records, opts));
    assert.equal(code, 0);
  }

  test('Fetch v0-v3 answer old message sets down-converted from every codec, from the fetch offset on', async () => {
    await broker.createTopic('legacy', 1);
    await produce('legacy', [{ key: 'a', value: 'plain-0', headers: { h: 'dropped' } }, { value: null }], {
      timestamp: T0,
    });
    await produce(
      'legacy',
      [
        { value: 'gzip-2', timestampDelta: 5 },
        { key: 'b', value: 'gzip-3' },
      ],
      {
        timestamp: T0 + 10,
        codec: 'gzip',
      },
    );
    await produce('legacy', [{ value: 'snappy-4' }], { timestamp: T0 + 20, codec: 'snappy' });
    await produce('legacy', [{ value: 'lz4-5' }, { value: 'lz4-6', timestampDelta: 1 }], {
      timestamp: T0 + 30,
      codec: 'lz4',
    });
    const expected = [
      [0, 'a', 'plain-0', T0],
      [1, null, null, T0],
      [2, null, 'gzip-2', T0 + 15],
      [3, 'b', 'gzip-3', T0 + 10],
      [4, null, 'snappy-4', T0 + 20],
      [5, null, 'lz4-5', T0 + 30],
      [6, null, 'lz4-6', T0 + 31],
    ] as const;
    for (const version of [0, 1, 2, 3]) {
      const magic = version >= 2 ? 1 : 0;
      for (const from of [0, 3]) {
        const answer = await fetch(client, version, 'legacy', from);
        assert.equal(answer.errorCode, 0);
        assert.equal(answer.highWatermark, 7);
        const messages = readMessageSet(answer.records);
        assert.deepEqual(
          messages,
          expected
            .filter(([offset]) => offset >= from)
            .map(([offset, key, value, ts]) => ({
              offset,
              magic,
              attributes: 0, // uncompressed, CreateTime
              timestamp: magic === 1 ? ts : null,
              key,
              value,
            })),
          `Fetch v${version} from ${from}`,
        );
      }
    }
    // Fetch v4+ still gets the stored batches themselves (magic 2, compressed as produced)
    const v4 = await fetch(client, 4, 'legacy', 0);
    assert.equal(v4.records.readInt8(16), 2);
    assert.equal(v4.records.length, (await broker.listTopics()).find((t) => t.name === 'legacy')?.partitions[0]?.bytes);
  });

  test('a down-converted set stops at the partition max_bytes, with one message at least', async () => {
    await broker.createTopic('legacy-big', 1);
    // 1000 records of 1 KiB that gzip to a few KiB: opened, they are 1000 messages of over 1 KiB
    const records = [...Array(1000).keys()].map((i) => ({ value: `${i}`.padEnd(1024, '.') }));
    await produce('legacy-big', records, { timestamp: T0, codec: 'gzip' });
    const capped = readMessageSet((await fetch(client, 0, 'legacy-big', 10, 64 * 1024)).records);
    assert.ok(capped.length > 10 && capped.length < 100, `${capped.length} messages`);
    assert.deepEqual(
      capped.map((m) => m.offset),
      [...Array(capped.length).keys()].map((i) => 10 + i),
    );
    const one = readMessageSet((await fetch(client, 2, 'legacy-big', 999, 1)).records);
    assert.deepEqual(
      one.map((m) => [m.offset, m.value?.slice(0, 3)]),
      [[999, '999']],
    );
  });

  test('zstd batches are refused to Fetch v0-v3 (UNSUPPORTED_COMPRESSION_TYPE), served as stored from v4', async () => {
    await broker.createTopic('zstd-mixed', 1);
    await produce('zstd-mixed', [{ value: 'gzip-0' }], { timestamp: T0, codec: 'gzip' });
    await produce('zstd-mixed', [{ value: 'zstd-1' }], { timestamp: T0, codec: 'zstd' });
    await produce('zstd-mixed', [{ value: 'plain-2' }], { timestamp: T0 });
    for (const version of [0, 3, 4, 9, 10, 11]) {
      // from offset 0: below v4 what precedes the zstd batch is served and the answer stops there
      const head = await fetch(client, version, 'zstd-mixed', 0);
      assert.equal(head.errorCode, 0, `v${version} from 0`);
      if (version < 4)
        assert.deepEqual(
          readMessageSet(head.records).map((m) => m.value),
          ['gzip-0'],
        );
      else assert.deepEqual(batchCodecs(head.records), [1, 4, 0], `v${version} from 0`);
      // at the zstd batch: refused where it would need down-conversion, so the client learns why it gets nothing
      const at = await fetch(client, version, 'zstd-mixed', 1);
      assert.equal(at.errorCode, version >= 4 ? 0 : UNSUPPORTED_COMPRESSION_TYPE, `v${version} at the zstd batch`);
      if (version >= 4) assert.deepEqual(batchCodecs(at.records), [4, 0]);
      else assert.equal(at.records.length, 0);
      // past it, everything is readable again
      const past = await fetch(client, version, 'zstd-mixed', 2);
      assert.equal(past.errorCode, 0);
      assert.ok(past.records.length > 0);
    }
  });

  test('ListOffsets v0 answers the old offsets array: latest, earliest, by time, unknown partition', async () => {
    await broker.createTopic('old-offsets', 1);
    await produce('old-offsets', [{ value: 'a' }, { value: 'b', timestampDelta: 10 }], { timestamp: T0 });
    const ask = async (topic: string, timestamp: number, maxOffsets = 1) => {
      const r = await client.request(2, 0, (w) => {
        w.int32(-1);
        w.array([topic], (w2, t) => w2.string(t).array([0], (w3, p) => w3.int32(p).int64(timestamp).int32(maxOffsets)));
      });
      assert.equal(r.int32(), 1);
      assert.equal(r.string(), topic);
      assert.equal(r.int32(), 1);
      assert.equal(r.int32(), 0);
      const answer = { errorCode: r.int16(), offsets: r.array((o) => o.int64()) };
      assert.equal(r.remaining, 0);
      return answer;
    };
    assert.deepEqual(await ask('old-offsets', -1), { errorCode: 0, offsets: [2] });
    assert.deepEqual(await ask('old-offsets', -2), { errorCode: 0, offsets: [0] });
    assert.deepEqual(await ask('old-offsets', T0 + 5), { errorCode: 0, offsets: [1] });
    assert.deepEqual(await ask('old-offsets', T0 + 50), { errorCode: 0, offsets: [2] });
    assert.deepEqual(await ask('old-offsets', -1, 0), { errorCode: 0, offsets: [] });
    assert.deepEqual(await ask('no-such-topic', -1), { errorCode: 3, offsets: [] });
  });
});
