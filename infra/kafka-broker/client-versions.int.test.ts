// The request versions other clients use by default, checked with raw frames: kafka-python's pipelined version
// probe (ApiVersions v0 + Metadata v0), sarama's OffsetCommit v0/v1 and Produce v0-v2 (old message sets),
// CreatePartitions, and transactions refused at once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, gzipSync } from 'node:zlib';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type Broker } from './index';
import { buildBatch } from './test-support/batch-builder';
import { RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';
import { Writer } from './codec/writer';

const TXN_REFUSED = 53;

/** One old-format message (magic 0 or 1) with its IEEE CRC32, as sarama and kafka-python < 0.11 write them. */
function message(
  magic: number,
  codec: number,
  timestamp: number | null,
  key: string | null,
  value: string | Buffer | null,
): Buffer {
  const w = new Writer().int8(magic).int8(codec);
  if (magic === 1) w.int64(timestamp ?? -1);
  w.bytes(key === null ? null : Buffer.from(key)).bytes(value === null ? null : Buffer.from(value));
  const body = w.toBuffer();
  return new Writer().uint32(crc32(body)).raw(body).toBuffer();
}

function messageSet(messages: Buffer[]): Buffer {
  const w = new Writer();
  messages.forEach((m, i) => w.int64(i).int32(m.length).raw(m));
  return Buffer.from(w.toBuffer());
}

function rawFrame(apiKey: number, version: number, correlationId: number): Buffer {
  const w = new Writer().int32(0).int16(apiKey).int16(version).int32(correlationId).string('probe');
  const b = w.toBuffer();
  b.writeInt32BE(b.length - 4, 0);
  return Buffer.from(b);
}

describe('versions other clients use', () => {
  const dir = makeTempDir('client-versions');
  let broker: Broker;
  let client: RawKafkaClient;

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
    await broker.createTopic('seen', 2);
    client = await RawKafkaClient.connect(broker.port);
  });

  after(async () => {
    client.close();
    await broker.stop();
    dir.remove();
  });

  test('ApiVersions v0 and Metadata v0 in one write, then a bad request: both answered, then closed', async () => {
    for (let i = 0; i < 20; i++) {
      const probe = await RawKafkaClient.connect(broker.port);
      probe.socket.cork();
      const versions = probe.request(18, 0, () => undefined);
      const metadata = probe.request(3, 0, (w) => w.array([], () => undefined));
      probe.sendRaw(rawFrame(99, 0, 1000)); // an API that does not exist
      probe.socket.uncork();
      const v = await versions;
      assert.equal(v.int16(), 0);
      const ranges = new Map(v.array((x) => [x.int16(), [x.int16(), x.int16()]] as const));
      assert.deepEqual(ranges.get(0), [0, 7]);
      assert.deepEqual(ranges.get(3), [0, 6]);
      const m = await metadata;
      const brokers = m.array((x) => [x.int32(), x.string(), x.int32()]);
      assert.deepEqual(brokers, [[0, '127.0.0.1', broker.port]]);
      const topics = m.array((x) => ({
        error: x.int16(),
        name: x.string(),
        partitions: x.array((p) => [
          p.int16(),
          p.int32(),
          p.int32(),
          p.array((r) => r.int32()),
          p.array((r) => r.int32()),
        ]),
      }));
      const seen = topics.find((t) => t.name === 'seen');
      assert.deepEqual(seen?.partitions, [
        [0, 0, 0, [0], [0]],
        [0, 1, 0, [0], [0]],
      ]);
      assert.equal(await probe.waitClosed(10_000), true);
    }
  });

  test('OffsetCommit v0 and v1 commit; OffsetFetch v0 and v1 read them back', async () => {
    const commit = async (version: number, partition: number, offset: number): Promise<number> => {
      const r = await client.request(8, version, (w) => {
        w.string('sarama-group');
        if (version === 1) w.int32(-1).string('');
        w.array(['seen'], (w2, t) =>
          w2.string(t).array([partition], (w3, p) => {
            w3.int32(p).int64(offset);
            if (version === 1) w3.int64(-1); // commit timestamp
            w3.nullableString('meta');
          }),
        );
      });
      r.int32();
      r.string();
      r.int32();
      r.int32();
      return r.int16();
    };
    assert.equal(await commit(0, 0, 42), 0);
    assert.equal(await commit(1, 1, 7), 0);
    for (const version of [0, 1]) {
      const r = await client.request(9, version, (w) => {
        w.string('sarama-group');
        w.array(['seen'], (w2, t) => w2.string(t).array([0, 1], (w3, p) => w3.int32(p)));
      });
      const rows = r.array((t) => ({
        name: t.string(),
        partitions: t.array((p) => [p.int32(), p.int64(), p.nullableString(), p.int16()]),
      }));
      assert.deepEqual(rows, [
        {
          name: 'seen',
          partitions: [
            [0, 42, 'meta', 0],
            [1, 7, 'meta', 0],
          ],
        },
      ]);
    }
  });

  test('CreatePartitions grows a topic; shrinking, unknown topics and other nodes are refused', async () => {
    await broker.createTopic('growing', 1);
    const r = await client.request(37, 1, (w) => {
      w.array(
        [
          ['growing', 3, null],
          ['growing-too', 2, null],
          ['seen', 1, null],
          ['nope', 2, null],
        ] as const,
        (w2, [name, count]) => w2.string(name).int32(count).int32(-1),
      );
      w.int32(10_000).bool(false);
    });
    r.int32();
    const results = r.array((x) => [x.string(), x.int16(), x.nullableString()]).map(([n, c]) => [n, c]);
    assert.deepEqual(results, [
      ['growing', 0],
      ['growing-too', 3],
      ['seen', 37],
      ['nope', 3],
    ]);
    const wrongNode = await client.request(37, 0, (w) => {
      w.array(['growing'], (w2, name) =>
        w2
          .string(name)
          .int32(4)
          .array([[5]], (w3, ids) => w3.array(ids, (w4, id) => w4.int32(id))),
      );
      w.int32(10_000).bool(false);
    });
    wrongNode.int32();
    const [refused] = wrongNode.array((x) => [x.string(), x.int16(), x.nullableString()]);
    assert.deepEqual(refused?.slice(0, 2), ['growing', 39]);
    assert.match(String(refused?.[2]), /only has node 0/);
    assert.deepEqual(
      broker
        .listTopics()
        .find((t) => t.name === 'growing')
        ?.partitions.map((p) => p.partition),
      [0, 1, 2],
    );
  });

  test('Produce v0-v2 up-convert magic 0/1 message sets (compressed too) and answer in their own layouts', async () => {
    await broker.createTopic('old-formats', 1);
    const t0 = 1_700_000_000_000;
    const sets: Array<[number, Buffer]> = [
      [0, messageSet([message(0, 0, null, 'k0', 'plain v0')])],
      [1, messageSet([message(1, 0, t0, 'k1', 'plain v1'), message(1, 0, t0 + 5, null, null)])],
      [
        2,
        messageSet([
          message(
            1,
            1,
            t0 + 9,
            null,
            gzipSync(messageSet([message(1, 0, t0 + 7, 'a', 'inner-1'), message(1, 0, t0 + 8, 'b', 'inner-2')])),
          ),
        ]),
      ],
    ];
    const expectedBase = [0, 1, 3];
    for (const [version, set] of sets) {
      const r = await client.request(0, version, (w) => {
        w.int16(1).int32(10_000);
        w.array(['old-formats'], (w2, t) => w2.string(t).array([0], (w3, p) => w3.int32(p).bytes(set)));
      });
      const rows = r.array((t) => [t.string(), t.array((p) => [p.int32(), p.int16(), p.int64()])]);
      assert.deepEqual(rows, [['old-formats', [[0, 0, expectedBase[version]]]]], `v${version}`);
      if (version >= 2) assert.equal(r.int64(), -1); // log_append_time
      assert.equal(r.remaining, version >= 1 ? 4 : 0, `v${version} throttle_time_ms`);
    }
    const stored = await broker.readRecords('old-formats', 0, 0, 10);
    assert.deepEqual(
      stored.map((x) => [
        x.offset,
        x.timestamp,
        x.key === null ? null : String(x.key),
        x.value === null ? null : String(x.value),
      ]),
      [
        [0, -1, 'k0', 'plain v0'],
        [1, t0, 'k1', 'plain v1'],
        [2, t0 + 5, null, null],
        [3, t0 + 7, 'a', 'inner-1'],
        [4, t0 + 8, 'b', 'inner-2'],
      ],
    );
    // a damaged message is refused whole; a message set in Produce v3+ is refused as Kafka does
    const bad = messageSet([message(1, 0, t0, null, 'x')]);
    bad.writeUInt8(bad.readUInt8(bad.length - 1) ^ 1, bad.length - 1);
    const refusals: Array<[number, Buffer, number]> = [
      [2, bad, 2],
      [3, messageSet([message(1, 0, t0, null, 'x')]), 43],
    ];
    for (const [version, set, code] of refusals) {
      const r = await client.request(0, version, (w) => {
        if (version >= 3) w.nullableString(null);
        w.int16(1).int32(10_000);
        w.array(['old-formats'], (w2, t) => w2.string(t).array([0], (w3, p) => w3.int32(p).bytes(set)));
      });
      r.int32();
      r.string();
      r.int32();
      r.int32();
      assert.equal(r.int16(), code, `v${version}`);
    }
    assert.equal(broker.listTopics().find((t) => t.name === 'old-formats')?.partitions[0]?.highWatermark, 5);
  });

  test('transactions are refused at once: InitProducerId and Produce with a transactional id', async () => {
    const init = await client.request(22, 1, (w) => w.nullableString('txn-1').int32(60_000));
    init.int32();
    assert.equal(init.int16(), TXN_REFUSED);
    const produce = await client.request(0, 7, (w) => {
      w.nullableString('txn-1').int16(-1).int32(10_000);
      w.array(['seen'], (w2, t) => w2.string(t).array([0], (w3, p) => w3.int32(p).bytes(buildBatch([{ value: 'x' }]))));
    });
    produce.int32();
    produce.string();
    produce.int32();
    produce.int32();
    assert.equal(produce.int16(), TXN_REFUSED);

    const kafka = new Kafka({ brokers: [broker.address], clientId: 'txn-test', logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ transactionalId: 'txn-kafkajs', idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await assert.rejects(producer.transaction(), (err: Error & { type?: string }) => {
        assert.equal(err.type, 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', err.message);
        return true;
      });
    } finally {
      await producer.disconnect();
    }
  });
});
