// Random and mutated frames over TCP (a fixed seed, a bounded count): the broker must neither crash nor
// disturb other connections, and the stored records and committed offsets must stay exactly as they were.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker, type Broker } from './index';
import { Writer } from './codec/writer';
import { buildBatch } from './test-support/batch-builder';
import { produceBatch, RawKafkaClient } from './test-support/raw-client';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

// FUZZ_SEED / FUZZ_CASES replay or widen a run; CI uses the fixed defaults
const CASES = Number(process.env.FUZZ_CASES ?? 1500);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

/** mulberry32: a small seeded generator so a failure can be replayed */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frame(apiKey: number, version: number, body: (w: Writer) => void): Buffer {
  const w = new Writer().int32(0).int16(apiKey).int16(version).int32(7).string('fuzzer');
  body(w);
  const b = Buffer.from(w.toBuffer());
  b.writeInt32BE(b.length - 4, 0);
  return b;
}

/** Valid requests that only read (or touch in-memory group state), mutated below. */
function corpus(): Buffer[] {
  const topics = (w: Writer) => w.array(['fuzz-target'], (w2, t) => w2.string(t));
  return [
    frame(18, 0, () => undefined),
    frame(18, 3, (w) => w.uvarint(0).compactString('fuzz').compactString('1').emptyTaggedFields()),
    frame(3, 1, topics),
    frame(3, 6, (w) => topics(w).bool(false)),
    frame(1, 11, (w) => {
      w.int32(-1)
        .int32(50)
        .int32(1)
        .int32(1 << 20)
        .int8(0)
        .int32(0)
        .int32(-1);
      w.array(['fuzz-target'], (w2, t) =>
        w2.string(t).array([0], (w3, p) =>
          w3
            .int32(p)
            .int32(-1)
            .int64(0)
            .int64(-1)
            .int32(1 << 20),
        ),
      );
      w.int32(0).string('');
    }),
    frame(2, 2, (w) =>
      w
        .int32(-1)
        .int8(0)
        .array(['fuzz-target'], (w2, t) => w2.string(t).array([0], (w3, p) => w3.int32(p).int64(-2))),
    ),
    frame(9, 5, (w) =>
      w.string('fuzz-group').array(['fuzz-target'], (w2, t) => w2.string(t).array([0], (w3, p) => w3.int32(p))),
    ),
    frame(10, 2, (w) => w.string('fuzz-group').int8(0)),
    frame(11, 5, (w) => {
      w.string('fuzz-join').int32(6000).int32(3000).string('').nullableString(null).string('consumer');
      w.array(['range'], (w2, p) => w2.string(p).bytes(Buffer.from([0, 1, 0, 0, 0, 0])));
    }),
    frame(12, 3, (w) => w.string('fuzz-join').int32(1).string('nobody').nullableString(null)),
    frame(15, 4, (w) => w.array(['fuzz-group'], (w2, g) => w2.string(g)).bool(false)),
    frame(16, 2, () => undefined),
    frame(32, 2, (w) => w.array([0], (w2) => w2.int8(2).string('fuzz-target').int32(-1)).bool(false)),
    // writes go to a sink topic and sink groups (mutations invent more) that the comparison leaves out
    frame(0, 7, (w) => {
      w.nullableString(null).int16(1).int32(1000);
      w.array(['fuzz-sink'], (w2, t) =>
        w2.string(t).array([0], (w3, p) => w3.int32(p).bytes(buildBatch([{ key: 'k', value: 'sink' }]))),
      );
    }),
    frame(8, 7, (w) => {
      w.string('sink-readers-group').int32(-1).string('').nullableString(null);
      w.array(['fuzz-sink'], (w2, t) =>
        w2.string(t).array([0], (w3, p) => w3.int32(p).int64(1).int32(-1).nullableString(null)),
      );
    }),
  ];
}

function mutate(base: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(base);
  const pick = (n: number) => Math.floor(rnd() * n);
  switch (pick(6)) {
    case 0: // flip bytes after the size prefix
      for (let i = 0, n = 1 + pick(4); i < n; i++) {
        const at = 4 + pick(b.length - 4);
        b.writeUInt8(pick(256), at);
      }
      return b;
    case 1: {
      // cut the body short but keep the frame consistent: a truncated request
      const cut = b.subarray(0, 4 + pick(b.length - 4));
      cut.writeInt32BE(cut.length - 4, 0);
      return cut;
    }
    case 2: // a size prefix that lies
      b.writeInt32BE([-1, 0, 3, 1 << 30, 0x7fffffff, 101 * 1024 * 1024][pick(6)] ?? 0, 0);
      return b;
    case 3: {
      // an array count or string length turned huge
      const at = 12 + pick(Math.max(1, b.length - 16));
      if (at + 4 <= b.length) b.writeInt32BE(0x7ffffff0, at);
      return b;
    }
    case 4: {
      // random api key/version with the valid body
      b.writeInt16BE(pick(70) - 2, 4);
      b.writeInt16BE(pick(16) - 1, 6);
      return b;
    }
    default: {
      // pure noise with a plausible size
      const noise = Buffer.alloc(6 + pick(200));
      for (let i = 4; i < noise.length; i++) noise.writeUInt8(pick(256), i);
      noise.writeInt32BE(noise.length - 4, 0);
      if (rnd() < 0.5) noise.writeInt16BE(pick(45), 4);
      return noise;
    }
  }
}

/** Sends one fuzz case on its own connection, ends it and waits until the broker side is gone too. */
function throwAt(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    socket.on('data', () => undefined);
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
}

describe('fuzzing the wire protocol', () => {
  const dir = makeTempDir('fuzz');
  const logger = recordingLogger();
  let broker: Broker;

  before(async () => {
    broker = await startBroker({ dataDir: dir.path, logger, autoCreateTopics: false });
    await broker.createTopic('fuzz-target', 2);
    await broker.createTopic('healthy', 1);
    await broker.createTopic('fuzz-sink', 1);
    const client = await RawKafkaClient.connect(broker.port);
    for (let i = 0; i < 20; i++)
      await produceBatch(client, 'fuzz-target', i % 2, buildBatch([{ key: `k${i}`, value: `v${i}` }]));
    await client.request(8, 7, (w) => {
      w.string('fuzz-group').int32(-1).string('').nullableString(null);
      w.array(['fuzz-target'], (w2, t) =>
        w2.string(t).array([0, 1], (w3, p) => w3.int32(p).int64(5).int32(-1).nullableString('m')),
      );
    });
    client.close();
  });

  after(async () => {
    await broker.stop();
    dir.remove();
  });

  const snapshot = async () => ({
    topics: broker.listTopics().filter((t) => t.name !== 'fuzz-sink'),
    records: [await broker.readRecords('fuzz-target', 0, 0, 100), await broker.readRecords('fuzz-target', 1, 0, 100)],
    offsets: broker
      .describeGroups()
      .filter((g) => g.groupId === 'fuzz-group')
      .map((g) => ({ id: g.groupId, offsets: g.offsets })),
  });

  test(
    `${CASES} random and mutated frames change nothing stored and disturb no other client`,
    { timeout: 180_000 },
    async () => {
      const before = await snapshot();
      const bystander = await RawKafkaClient.connect(broker.port);
      const rnd = prng(SEED);
      const seeds = corpus();
      for (let i = 0; i < CASES; i++) {
        const base = seeds[Math.floor(rnd() * seeds.length)] as Buffer;
        const count = 1 + Math.floor(rnd() * 3);
        const frames = [...Array(count)].map(() => (rnd() < 0.85 ? mutate(base, rnd) : base));
        await throwAt(broker.port, Buffer.concat(frames));
        if (i % 250 === 0) {
          const r = await bystander.request(3, 1, (w) => w.array(['healthy'], (w2, t) => w2.string(t)));
          assert.equal(r.int32(), 1, 'the bystander connection should still get metadata');
        }
      }
      assert.equal(bystander.closed, false, 'the bystander connection was closed');
      bystander.close();

      assert.deepEqual(await snapshot(), before);
      // every rejection should be a decoding verdict, never a handler tripping over its own assumptions
      assert.deepEqual(
        logger.warnings.filter((w) => w.includes('handler failed') || w.startsWith('ERROR')),
        [],
      );
      assert.ok(
        logger.warnings.some((w) => /closing connection .*(truncated|size|unknown api key|not supported)/.test(w)),
      );

      // a real client still works end to end
      const kafka = new Kafka({ brokers: [broker.address], clientId: 'after-fuzz', logLevel: logLevel.NOTHING });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'healthy', messages: [{ value: 'still alive' }] });
      await producer.disconnect();
      const stored = await broker.readRecords('healthy', 0, 0, 10);
      assert.deepEqual(
        stored.map((r) => String(r.value)),
        ['still alive'],
      );
    },
  );

  test('an oversized request closes that connection with a logged reason', async () => {
    const client = await RawKafkaClient.connect(broker.port);
    const head = Buffer.alloc(4);
    head.writeInt32BE(200 * 1024 * 1024, 0);
    client.sendRaw(head);
    assert.equal(await client.waitClosed(5000), true);
    assert.ok(logger.warnings.some((w) => w.includes('request size 209715200 is outside')));
  });
});
