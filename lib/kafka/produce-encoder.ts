// The body of an uncompressed Produce request (v3-v7 share it) written in one pass into one buffer, installed into
// kafkajs 2.2.4 at load. kafkajs builds the same bytes from nested encoders: a zero-filled 512-byte buffer per
// record and per header, each copied into the batch, the batch copied into its partition and topic, and every
// level grown by doubling. Under load that was the largest part of a publishing service's buffer allocation and a
// tenth of its CPU (allocation, copying and the garbage collection that follows). Here every size is known before
// the first byte is written. Compressed batches, and any shape this encoder does not expect, are left to kafkajs.
// The unit test checks the output is byte for byte what kafkajs writes.
import { createRequire } from 'node:module';
import { crc32c } from '../crc32c';

const require = createRequire(import.meta.url);

type HeaderValue = string | Buffer | null | undefined;

interface ProduceMessage {
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, HeaderValue | HeaderValue[]>;
  timestamp?: string | number;
}

/** kafkajs's Long (only what is read here). */
interface LongLike {
  toString(): string;
}

export interface ProduceRequestArgs {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  producerId?: LongLike | number;
  producerEpoch?: number;
  compression?: number;
  topicData: Array<{
    topic: string;
    partitions: Array<{ partition: number; firstSequence?: number; messages: ProduceMessage[] }>;
  }>;
}

/** What kafkajs's protocol/request.js expects back from `encode()`: an Encoder with `buf` and `offset`. */
interface EncoderLike {
  buf: Buffer;
  offset: number;
}

type Crc32c = (buffer: Buffer) => number;

// Sizes of the fixed parts of a v2 record batch: baseOffset .. records count.
const BATCH_HEADER = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
// The span the CRC covers starts at attributes: after baseOffset, batchLength, leaderEpoch, magic and crc.
const CRC_START = 8 + 4 + 4 + 1 + 4;

function zigzag(n: number): number {
  // Exact for |n| < 2^52 (record lengths, deltas and counts are far below).
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function uvarintSize(u: number): number {
  let size = 1;
  while (u >= 128) {
    u = Math.floor(u / 128);
    size += 1;
  }
  return size;
}

const varintSize = (n: number): number => uvarintSize(zigzag(n));

/** Bytes or text to write with a varint length; text is measured now and written straight into the request. */
interface Field {
  data: Buffer | string | null;
  length: number;
}

/** One prepared record: every size known, nothing copied yet. */
interface PreparedRecord {
  bodySize: number;
  timestampDelta: number;
  offsetDelta: number;
  key: Field;
  value: Field;
  headers: Field[]; // name, value, name, value ...
}

function field(value: string | Buffer | null | undefined): Field {
  if (value === null || value === undefined) return { data: null, length: -1 };
  if (Buffer.isBuffer(value)) return { data: value, length: value.length };
  const text = String(value);
  return { data: text, length: Buffer.byteLength(text, 'utf8') };
}

const sized = (f: Field): number => varintSize(f.length) + Math.max(f.length, 0);

function prepareRecord(message: ProduceMessage, offsetDelta: number, timestampDelta: number): PreparedRecord {
  const headers: Field[] = [];
  if (message.headers) {
    for (const name of Object.keys(message.headers)) {
      const value = message.headers[name];
      if (Array.isArray(value)) for (const v of value) headers.push(field(name), field(v));
      else headers.push(field(name), field(value));
    }
  }
  const key = field(message.key);
  const value = field(message.value);
  let bodySize = 1 + varintSize(timestampDelta) + varintSize(offsetDelta) + sized(key) + sized(value);
  bodySize += varintSize(headers.length / 2);
  for (const h of headers) bodySize += sized(h);
  return { bodySize, timestampDelta, offsetDelta, key, value, headers };
}

class Writer {
  offset = 0;
  constructor(readonly buf: Buffer) {}

  int8(v: number): void {
    this.buf.writeInt8(v, this.offset);
    this.offset += 1;
  }
  int16(v: number): void {
    this.buf.writeInt16BE(v, this.offset);
    this.offset += 2;
  }
  int32(v: number): void {
    this.buf.writeInt32BE(v, this.offset);
    this.offset += 4;
  }
  int64(v: bigint): void {
    this.buf.writeBigInt64BE(v, this.offset);
    this.offset += 8;
  }
  varint(n: number): void {
    let u = zigzag(n);
    while (u >= 128) {
      this.buf[this.offset++] = (u % 128) | 128;
      u = Math.floor(u / 128);
    }
    this.buf[this.offset++] = u;
  }
  field(f: Field): void {
    this.varint(f.length);
    if (f.data === null) return;
    if (typeof f.data === 'string') this.buf.write(f.data, this.offset, f.length, 'utf8');
    else f.data.copy(this.buf, this.offset);
    this.offset += f.length;
  }
  string(s: string | null): void {
    if (s === null) return this.int16(-1);
    const length = Buffer.byteLength(s, 'utf8');
    this.int16(length);
    this.buf.write(s, this.offset, length, 'utf8');
    this.offset += length;
  }
}

/** The request body (transactional id .. topic data), or undefined where kafkajs must encode it itself. */
export function encodeProduceBody(args: ProduceRequestArgs, crc32c: Crc32c, now = Date.now()): Buffer | undefined {
  if ((args.compression ?? 0) !== 0) return undefined;
  const transactionalId = args.transactionalId ?? null;
  const producerId = BigInt(String(args.producerId ?? -1));
  const producerEpoch = args.producerEpoch ?? 0;
  const attributes = transactionalId !== null ? 16 : 0;

  let size = (transactionalId === null ? 2 : 2 + Buffer.byteLength(transactionalId, 'utf8')) + 2 + 4 + 4;
  const topics = args.topicData.map(({ topic, partitions }) => {
    size += 2 + Buffer.byteLength(topic, 'utf8') + 4;
    return {
      topic,
      partitions: partitions.map(({ partition, firstSequence, messages }) => {
        // As kafkajs: the batch's first and max timestamps are those of its stamped records (the request's time
        // when none is), and a record without a timestamp counts from the request's time.
        const stamped = messages.flatMap((m) => (m.timestamp == null ? [] : [Number(m.timestamp)]));
        const first = stamped.length ? Math.min(...stamped) : now;
        const max = stamped.length ? Math.max(...stamped) : now;
        const records = messages.map((m, i) => prepareRecord(m, i, (m.timestamp ? Number(m.timestamp) : now) - first));
        let batchSize = BATCH_HEADER;
        for (const r of records) batchSize += varintSize(r.bodySize) + r.bodySize;
        size += 4 + 4 + batchSize;
        return { partition, firstSequence: firstSequence ?? 0, first, max, records, batchSize };
      }),
    };
  });
  if (topics.some((t) => t.partitions.some((p) => !Number.isSafeInteger(p.first) || !Number.isSafeInteger(p.max))))
    return undefined;

  const w = new Writer(Buffer.allocUnsafe(size));
  w.string(transactionalId);
  w.int16(args.acks);
  w.int32(args.timeout);
  w.int32(topics.length);
  for (const { topic, partitions } of topics) {
    w.string(topic);
    w.int32(partitions.length);
    for (const p of partitions) {
      w.int32(p.partition);
      w.int32(p.batchSize);
      const batchStart = w.offset;
      w.int64(0n); // base offset: the broker assigns it
      w.int32(p.batchSize - 12); // batch length: what follows this field
      w.int32(0); // partition leader epoch
      w.int8(2); // magic
      const crcAt = w.offset;
      w.int32(0); // CRC, filled in below
      w.int16(attributes);
      w.int32(p.records.length - 1); // last offset delta
      w.int64(BigInt(p.first));
      w.int64(BigInt(p.max));
      w.int64(producerId);
      w.int16(producerEpoch);
      w.int32(p.firstSequence);
      w.int32(p.records.length);
      for (const r of p.records) {
        w.varint(r.bodySize);
        w.int8(0);
        w.varint(r.timestampDelta);
        w.varint(r.offsetDelta);
        w.field(r.key);
        w.field(r.value);
        w.varint(r.headers.length / 2);
        for (const h of r.headers) w.field(h);
      }
      w.buf.writeUInt32BE(crc32c(w.buf.subarray(batchStart + CRC_START, w.offset)) >>> 0, crcAt);
    }
  }
  if (w.offset !== size) throw new Error(`produce encoder: wrote ${w.offset} bytes of ${size}`);
  return w.buf;
}

type ProduceV3 = (args: ProduceRequestArgs) => { encode: () => Promise<EncoderLike> };
const FAST = Symbol.for('gochat.kafkajs.produceEncoder');

const V3_PATH = require.resolve('kafkajs/src/protocol/requests/produce/v3/request.js');
const EncoderClass = require('kafkajs/src/protocol/encoder.js') as new (initialSize?: number) => EncoderLike;

/** kafkajs's own v3 request builder (the unpatched one), for the test that compares bytes. */
export const kafkajsProduceV3 = require(V3_PATH) as ProduceV3 & { [FAST]?: true };

function fastProduceV3(args: ProduceRequestArgs): ReturnType<ProduceV3> {
  const request = kafkajsProduceV3(args);
  const slow = request.encode;
  request.encode = async () => {
    const body = encodeProduceBody(args, crc32c);
    if (body === undefined) return slow();
    const encoder = new EncoderClass(0);
    encoder.buf = body;
    encoder.offset = body.length;
    return encoder;
  };
  return request;
}
(fastProduceV3 as ProduceV3 & { [FAST]?: true })[FAST] = true;

// Later versions (v4-v7) require v3's module when first used; the cache entry answers them with this one.
const cached = require.cache[V3_PATH];
if (cached && !(cached.exports as { [FAST]?: true })[FAST]) cached.exports = fastProduceV3;
