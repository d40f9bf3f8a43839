// The record batches of a Fetch response read in one pass, installed into kafkajs 2.2.4 at load (as the produce
// encoder is). kafkajs reads every record through a Decoder object of its own, every varlong through several
// BigInt-backed Longs, and every record's offset and timestamp by parsing the batch's base from a string and
// printing the sum: 16-24 us a record on this machine, 5-16 % of a consuming service's busy time at saturation. Here
// each batch is read straight from the response buffer with number arithmetic, exact while offsets and timestamps
// stay below 2^53 (checked per batch and per record). Compressed batches, and any shape this decoder does not
// expect (a partial batch, another magic, a varint longer than kafkajs reads correctly, a header named __proto__),
// go to kafkajs's own decoder, untouched. The unit test checks that the result is exactly kafkajs's.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The part of kafkajs's protocol Decoder this module reads and moves. */
interface DecoderLike {
  buffer: Buffer;
  offset: number;
  forward(size: number): void;
}

type Headers = Record<string, Buffer | null | Array<Buffer | null>>;

interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  partitionLeaderEpoch: number;
  inTransaction: boolean;
  isControlBatch: boolean;
  lastOffsetDelta: number;
  producerId: string;
  producerEpoch: number;
  firstSequence: number;
  maxTimestamp: string;
  timestampType: number;
}

/** A record as kafkajs's record decoder returns it. */
export interface DecodedRecord {
  magicByte: number;
  attributes: number;
  timestamp: string;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Headers;
  isControlRecord: boolean;
  batchContext: BatchContext & { magicByte: number };
}

export type DecodedBatch = BatchContext & { records: DecodedRecord[] };

// baseOffset(8) length(4) leaderEpoch(4) magic(1) crc(4) attributes(2) lastOffsetDelta(4) firstTimestamp(8)
// maxTimestamp(8) producerId(8) producerEpoch(2) firstSequence(4) records count(4)
const BATCH_HEADER = 61;
const COMPRESSION_MASK = 0x07;
const TIMESTAMP_TYPE_MASK = 0x08;
const TRANSACTIONAL_MASK = 0x10;
const CONTROL_MASK = 0x20;
const LOG_APPEND_TIME = 1; // kafkajs's TimestampTypes.LOG_APPEND_TIME
const CREATE_TIME = 0;

/** Thrown inside this module only: the batch is left to kafkajs. */
class NotHandled extends Error {}
const NOT_HANDLED = new NotHandled();

/** Reads varints and bytes within [at, end); anything past end or longer than expected is NOT_HANDLED. */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public at: number,
    public end: number,
  ) {}

  /**
   * A zigzag varint of at most 4 bytes (|n| < 2^27). kafkajs reads longer ones with 32-bit shifts, which overflow;
   * record lengths, deltas and counts are far below, and anything longer goes to kafkajs so that both agree.
   */
  varint(): number {
    return this.zigzag(28);
  }

  /** A zigzag varlong of at most 7 bytes (49 bits): exact as a number. */
  varlong(): number {
    return this.zigzag(49);
  }

  private zigzag(maxBits: number): number {
    if (this.at >= this.end) throw NOT_HANDLED;
    const first = this.buf[this.at] as number;
    if (first < 0x80) {
      this.at += 1;
      return first % 2 === 0 ? first / 2 : -(first + 1) / 2;
    }
    let u = 0;
    for (let shift = 0; shift < maxBits; shift += 7) {
      if (this.at >= this.end) throw NOT_HANDLED;
      const b = this.buf[this.at++] as number;
      u += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
    }
    throw NOT_HANDLED;
  }

  bytes(): Buffer | null {
    const length = this.varint();
    if (length === -1) return null;
    if (length < 0 || this.at + length > this.end) throw NOT_HANDLED;
    const out = this.buf.subarray(this.at, this.at + length);
    this.at += length;
    return out;
  }

  /**
   * A header name. Records repeat the same few names, so each is decoded once and the same string is handed out
   * after: a string V8 has already used as a property name is a fast key, a freshly decoded one is hashed and
   * looked up in V8's string table at every use (that and the decoding were most of this decoder's time).
   */
  name(): string | null {
    const length = this.varint();
    if (length === -1) return null;
    if (length < 0 || this.at + length > this.end) throw NOT_HANDLED;
    const start = this.at;
    this.at += length;
    for (const known of names) if (sameBytes(known.bytes, this.buf, start, length)) return known.name;
    const name = this.buf.toString('utf8', start, start + length);
    if (names.length < MAX_NAMES) names.push({ bytes: Buffer.from(this.buf.subarray(start, start + length)), name });
    return name;
  }
}

/** Header names seen so far, each with its bytes (a process sees a handful: the event headers it consumes). */
const names: Array<{ bytes: Buffer; name: string }> = [];
const MAX_NAMES = 64;

function sameBytes(bytes: Buffer, buf: Buffer, start: number, length: number): boolean {
  if (bytes.length !== length) return false;
  for (let i = 0; i < length; i++) if (bytes[i] !== buf[start + i]) return false;
  return true;
}

function safeNumber(n: bigint): number {
  const out = Number(n);
  if (!Number.isSafeInteger(out)) throw NOT_HANDLED;
  return out;
}

function safeSum(a: number, b: number): string {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw NOT_HANDLED;
  return String(sum);
}

function readHeaders(c: Cursor): Headers {
  const headers: Headers = {};
  const count = c.varint();
  if (count < -1) throw NOT_HANDLED;
  for (let i = 0; i < count; i++) {
    const key = String(c.name());
    if (key === '__proto__') throw NOT_HANDLED;
    const value = c.bytes();
    // kafkajs's rule, kept as it is: a repeated name collects its values in an array. (Like kafkajs it tests the
    // name with `=== undefined` on a plain object, so a name such as "constructor" starts an array too.)
    const seen = headers[key];
    headers[key] = seen === undefined ? value : Array.isArray(seen) ? seen.concat([value]) : [seen, value];
  }
  return headers;
}

/**
 * The uncompressed v2 record batch at `start`, decoded as kafkajs would, and where it ends; undefined when it is
 * one this decoder leaves to kafkajs.
 */
export function decodeRecordBatch(buf: Buffer, start: number): { batch: DecodedBatch; end: number } | undefined {
  try {
    return decodeOrThrow(buf, start);
  } catch (err) {
    if (err === NOT_HANDLED) return undefined;
    throw err;
  }
}

function decodeOrThrow(buf: Buffer, start: number): { batch: DecodedBatch; end: number } {
  if (buf.length - start < BATCH_HEADER) throw NOT_HANDLED;
  const length = buf.readInt32BE(start + 8);
  const end = start + 12 + length;
  if (length < BATCH_HEADER - 12 || end > buf.length) throw NOT_HANDLED;
  const attributes = buf.readInt16BE(start + 21);
  if ((attributes & COMPRESSION_MASK) !== 0) throw NOT_HANDLED;
  const count = buf.readInt32BE(start + 57);
  // a record takes at least 7 bytes (its length, attributes, two deltas, key, value and header count)
  if (count < 0 || count * 7 > end - start - BATCH_HEADER) throw NOT_HANDLED;

  const baseOffset = safeNumber(buf.readBigInt64BE(start));
  const baseTimestamp = safeNumber(buf.readBigInt64BE(start + 27));
  const magicByte = buf.readInt8(start + 16);
  if (magicByte !== 2) throw NOT_HANDLED;
  const context: BatchContext = {
    firstOffset: String(baseOffset),
    firstTimestamp: String(baseTimestamp),
    partitionLeaderEpoch: buf.readInt32BE(start + 12),
    inTransaction: (attributes & TRANSACTIONAL_MASK) > 0,
    isControlBatch: (attributes & CONTROL_MASK) > 0,
    lastOffsetDelta: buf.readInt32BE(start + 23),
    producerId: buf.readBigInt64BE(start + 43).toString(),
    producerEpoch: buf.readInt16BE(start + 51),
    firstSequence: buf.readInt32BE(start + 53),
    maxTimestamp: buf.readBigInt64BE(start + 35).toString(),
    timestampType: (attributes & TIMESTAMP_TYPE_MASK) > 0 ? LOG_APPEND_TIME : CREATE_TIME,
  };
  const batchContext = { ...context, magicByte };
  const appendTime = context.timestampType === LOG_APPEND_TIME ? context.maxTimestamp : undefined;

  const c = new Cursor(buf, start + BATCH_HEADER, end);
  const records: DecodedRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const size = c.varint();
    const recordEnd = c.at + size;
    if (size < 1 || recordEnd > end) throw NOT_HANDLED;
    c.end = recordEnd;
    const recordAttributes = buf.readInt8(c.at++);
    const timestampDelta = c.varlong();
    const offsetDelta = c.varint();
    const key = c.bytes();
    const value = c.bytes();
    const headers = readHeaders(c);
    records[i] = {
      magicByte,
      attributes: recordAttributes,
      timestamp: appendTime ?? safeSum(baseTimestamp, timestampDelta),
      offset: safeSum(baseOffset, offsetDelta),
      key,
      value,
      headers,
      isControlRecord: context.isControlBatch,
      batchContext,
    };
    c.at = recordEnd;
    c.end = end;
  }
  return { batch: { ...context, records }, end };
}

type RecordBatchDecoder = ((decoder: DecoderLike) => Promise<DecodedBatch>) & { [FAST]?: true };
const FAST = Symbol.for('gochat.kafkajs.fetchDecoder');

const BATCH_DECODER_PATH = require.resolve('kafkajs/src/protocol/recordBatch/v0/decoder.js');

/** kafkajs's own record batch decoder (the unpatched one), for batches left to it and for the test. */
export const kafkajsRecordBatchDecoder = require(BATCH_DECODER_PATH) as RecordBatchDecoder;

const fastRecordBatchDecoder: RecordBatchDecoder = async (decoder) => {
  const decoded = decodeRecordBatch(decoder.buffer, decoder.offset);
  if (decoded === undefined) return kafkajsRecordBatchDecoder(decoder);
  decoder.forward(decoded.end - decoder.offset);
  return decoded.batch;
};
fastRecordBatchDecoder[FAST] = true;

// The Fetch responses' message decoder requires this module when a Fetch version is first used, after this ran.
const cached = require.cache[BATCH_DECODER_PATH];
if (cached && !(cached.exports as RecordBatchDecoder)[FAST]) cached.exports = fastRecordBatchDecoder;
