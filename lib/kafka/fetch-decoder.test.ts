import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { decodeRecordBatch, kafkajsRecordBatchDecoder } from './fetch-decoder';

const require = createRequire(import.meta.url);
type Long = { toString(): string };
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: number | string): Long };
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => {
  buffer: Buffer;
  offset: number;
  forward(n: number): void;
};
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (args: object) => Promise<{ buffer: Buffer }>;
};
interface Encoder {
  buffer: Buffer;
  writeInt8(v: number): Encoder;
  writeVarInt(v: number): Encoder;
  writeVarLong(v: Long): Encoder;
  writeVarIntBytes(v: Buffer | null): Encoder;
  writeVarIntString(v: string): Encoder;
  writeEncoder(e: Encoder): Encoder;
}
const Encoder = require('kafkajs/src/protocol/encoder.js') as new () => Encoder;
const { Types: Compression } = require('kafkajs/src/protocol/message/compression/index.js') as {
  Types: { GZIP: number };
};
const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js') as (d: {
  buffer: Buffer;
  offset: number;
}) => Promise<unknown[]>;

const T = 1796224677319;

type Header = Buffer | string | null | Array<Buffer | string | null>;
interface RecordShape {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Header>;
  timestampDelta?: number;
  offsetDelta: number;
}

const asBuffer = (v: Buffer | string | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : Buffer.from(v);

async function batch(records: RecordShape[], options: Record<string, unknown> = {}): Promise<Buffer> {
  const encoded = await RecordBatch({
    firstOffset: Long.fromValue(1000),
    firstTimestamp: T,
    maxTimestamp: T + 50,
    lastOffsetDelta: records.length - 1,
    producerId: Long.fromValue('7'),
    producerEpoch: 2,
    firstSequence: 40,
    records: records.map(record),
    ...options,
  });
  return encoded.buffer;
}

const shapes: RecordShape[] = [
  {
    key: 'p2p:u_1:u_2',
    value: Buffer.from([1, 2, 3, 200]),
    headers: { 'event-type': 'message.upstream', traceparent: '00-ab-cd-01' },
    offsetDelta: 0,
  },
  { key: null, value: 'héllo wörld ✓', headers: { multi: ['a', 'b', 'c'], twice: ['x', null] }, offsetDelta: 1 },
  { key: 'big', value: 'x'.repeat(20_000), timestampDelta: 31, offsetDelta: 2 },
  { key: '', value: null, headers: { constructor: 'kafkajs-quirk', ünïcode: null }, offsetDelta: 3 },
  { value: Buffer.alloc(0), timestampDelta: -5, offsetDelta: 9 },
];

/** A record written field by field with kafkajs's encoder (its record builder cannot write a null header value). */
function record(r: RecordShape): Encoder {
  const headers = Object.entries(r.headers ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x]));
  const body = new Encoder()
    .writeInt8(0)
    .writeVarLong(Long.fromValue(r.timestampDelta ?? 0))
    .writeVarInt(r.offsetDelta)
    .writeVarIntBytes(asBuffer(r.key))
    .writeVarIntBytes(asBuffer(r.value))
    .writeVarInt(headers.length);
  for (const [k, v] of headers) body.writeVarIntString(k as string).writeVarIntBytes(asBuffer(v as string | null));
  return new Encoder().writeVarInt(body.buffer.length).writeEncoder(body);
}

/** Both decoders on the same bytes: the same result, and the decoder left at the same place. */
async function assertSame(bytes: Buffer, message: string): Promise<void> {
  const theirs = new Decoder(bytes);
  const ours = new Decoder(bytes);
  const expected = await kafkajsRecordBatchDecoder(theirs);
  const decoded = decodeRecordBatch(ours.buffer, ours.offset);
  assert.ok(decoded, `${message}: decoded here, not left to kafkajs`);
  assert.deepEqual(decoded.batch, expected, message);
  assert.equal(decoded.end, theirs.offset, `${message}: ends where kafkajs's decoder stopped`);
}

test('a batch decodes to exactly what kafkajs returns (keys, values, repeated and null headers, deltas)', async () => {
  await assertSame(await batch(shapes), 'every record shape');
  await assertSame(await batch([shapes[0] as RecordShape]), 'one record');
  await assertSame(await batch([]), 'no records');
  await assertSame(await batch(shapes, { producerId: Long.fromValue(-1), firstSequence: -1 }), 'no producer id');
  await assertSame(await batch(shapes, { transactional: true }), 'transactional');
  await assertSame(
    await batch(shapes, { firstOffset: Long.fromValue(2 ** 40), firstTimestamp: 0 }),
    'large offset, zero base timestamp',
  );
});

test('attribute bits kafkajs reads are read the same: log-append time, control batch', async () => {
  const appendTime = await batch(shapes);
  appendTime.writeInt16BE(appendTime.readInt16BE(21) | 0x08, 21);
  await assertSame(appendTime, 'log-append time: every record takes the max timestamp');
  const control = await batch(shapes);
  control.writeInt16BE(control.readInt16BE(21) | 0x20, 21);
  await assertSame(control, 'control batch');
});

test('what this decoder does not take goes to kafkajs and comes out as kafkajs decodes it', async () => {
  const gzip = await batch(shapes, { compression: Compression.GZIP });
  assert.equal(decodeRecordBatch(gzip, 0), undefined, 'compressed');
  const beyondSafe = await batch(shapes, { firstOffset: Long.fromValue('9007199254740993') });
  assert.equal(decodeRecordBatch(beyondSafe, 0), undefined, 'an offset past 2^53');
  const whole = await batch(shapes);
  assert.equal(decodeRecordBatch(whole.subarray(0, whole.length - 1), 0), undefined, 'a partial batch');
  const oldMagic = await batch(shapes);
  oldMagic.writeInt8(1, 16);
  assert.equal(decodeRecordBatch(oldMagic, 0), undefined, 'a magic other than 2');
  const tooMany = await batch(shapes);
  tooMany.writeInt32BE(1_000_000, 57);
  assert.equal(decodeRecordBatch(tooMany, 0), undefined, 'more records than the batch has bytes for');
  const proto = await batch([
    { value: 'v', headers: JSON.parse('{"__proto__": "x"}') as Record<string, Header>, offsetDelta: 0 },
  ]);
  assert.equal(decodeRecordBatch(proto, 0), undefined, 'a header named __proto__');

  // Installed: the Fetch response's message decoder goes through this module, and gets kafkajs's answers for all.
  const installed = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as Record<symbol, unknown>;
  assert.equal(installed[Symbol.for('gochat.kafkajs.fetchDecoder')], true, 'installed in place of kafkajs decoder');
  const messageSet = (...batches: Buffer[]): { buffer: Buffer; offset: number } => {
    const body = Buffer.concat(batches);
    const sized = Buffer.alloc(4 + body.length);
    sized.writeInt32BE(body.length, 0);
    body.copy(sized, 4);
    return new Decoder(sized);
  };
  const mixed = [await batch(shapes), gzip, beyondSafe, proto, await batch(shapes.slice(1))];
  const partial = whole.subarray(0, whole.length - 7);
  const records = await decodeMessages(messageSet(...mixed, partial));
  const expected: unknown[] = [];
  for (const b of mixed) expected.push(...(await kafkajsRecordBatchDecoder(new Decoder(b))).records);
  assert.equal(records.length, shapes.length * 3 + 1 + (shapes.length - 1), 'the partial batch at the end is dropped');
  assert.deepEqual(records, expected);
});
