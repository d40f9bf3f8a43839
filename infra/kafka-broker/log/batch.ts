// Record batch (magic 2) layout. The broker stores batches exactly as producers sent them; only the
// baseOffset (bytes 0-7) is rewritten, which lies outside the CRC (it covers byte 21 to the end).
import { crc32c } from '../../../lib/crc32c';
import { MalformedRequestError, Reader } from '../codec/reader';
import { decompress } from './codecs';

export class RecordsError extends Error {}

export const BATCH_HEADER_BYTES = 61;
/** Bytes before batchLength's coverage starts (baseOffset + batchLength). */
export const BATCH_LOG_OVERHEAD = 12;

export const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Codec = (typeof CODECS)[number] | 'unknown';

export interface BatchHeader {
  baseOffset: number;
  /** Whole size in bytes, header included. */
  size: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

export function readBatchHeader(buf: Buffer, at = 0): BatchHeader {
  return {
    baseOffset: Number(buf.readBigInt64BE(at)),
    size: buf.readInt32BE(at + 8) + BATCH_LOG_OVERHEAD,
    magic: buf.readInt8(at + 16),
    crc: buf.readUInt32BE(at + 17),
    attributes: buf.readInt16BE(at + 21),
    lastOffsetDelta: buf.readInt32BE(at + 23),
    baseTimestamp: Number(buf.readBigInt64BE(at + 27)),
    maxTimestamp: Number(buf.readBigInt64BE(at + 35)),
    producerId: Number(buf.readBigInt64BE(at + 43)),
    producerEpoch: buf.readInt16BE(at + 51),
    baseSequence: buf.readInt32BE(at + 53),
    recordCount: buf.readInt32BE(at + 57),
  };
}

export function codecOf(attributes: number): Codec {
  return CODECS[attributes & 0x07] ?? 'unknown';
}

/**
 * Checks one batch at `at`: enough bytes, magic 2, sane counts, CRC32C. Returns the header or a reason.
 */
export function checkBatch(buf: Buffer, at: number, end = buf.length): BatchHeader | string {
  // magic first: an old-format message set (magic 0/1) is often shorter than a v2 batch header
  if (end - at > 16 && buf.readInt8(at + 16) !== 2) {
    return `record batch magic ${buf.readInt8(at + 16)} is not supported (only magic 2)`;
  }
  if (end - at < BATCH_HEADER_BYTES) return `batch header needs ${BATCH_HEADER_BYTES} bytes, ${end - at} left`;
  const h = readBatchHeader(buf, at);
  if (h.size < BATCH_HEADER_BYTES) return `batch length ${h.size - BATCH_LOG_OVERHEAD} is too small`;
  if (h.size > end - at) return `batch of ${h.size} bytes is cut off after ${end - at}`;
  if (h.lastOffsetDelta < 0 || h.recordCount < 0) return 'negative record count';
  const actual = crc32c(buf, at + 21, at + h.size);
  if (actual !== h.crc) return `CRC32C mismatch (stored ${h.crc.toString(16)}, computed ${actual.toString(16)})`;
  return h;
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * Decodes the records of one batch strictly, as Kafka's validator reads them: exactly `recordCount` records whose
 * offset deltas run 0, 1, 2..., each using exactly its declared length, nothing left over. Returns null for a
 * codec without a decoder (none left: all five are decoded); throws RecordsError (or CodecError) naming what is wrong.
 */
export function decodeBatchRecords(batch: Buffer): DecodedRecord[] | null {
  const out: DecodedRecord[] = [];
  return walkRecords(batch, out) === null ? null : out;
}

/**
 * The same strict walk without copying anything out (produce validation runs it on every batch): returns the
 * largest record timestamp, or null when the codec cannot be decoded.
 */
export function checkBatchRecords(batch: Buffer): number | null {
  return walkRecords(batch, null);
}

function walkRecords(batch: Buffer, out: DecodedRecord[] | null): number | null {
  const h = readBatchHeader(batch);
  const body = decompress(h.attributes & 0x07, batch.subarray(BATCH_HEADER_BYTES, h.size));
  if (body === null) return null;
  const logAppendTime = (h.attributes & 0x08) !== 0;
  const r = new Reader(body);
  let maxTimestamp = -1;
  let i = 0;
  let field = 'length';
  const take = (): Buffer | null => {
    const n = r.varint();
    if (n < -1) throw new RecordsError(`record ${i} ${field} has length ${n}`);
    if (n < 0) return null;
    if (n > r.remaining) throw new RecordsError(`record ${i} ${field} of ${n} bytes runs past the batch`);
    const from = r.pos;
    r.pos += n;
    return out ? Buffer.from(body.subarray(from, from + n)) : EMPTY;
  };
  try {
    for (; i < h.recordCount; i++) {
      field = 'length';
      const len = r.varint();
      const start = r.pos;
      if (len < 0 || len > r.remaining)
        throw new RecordsError(`record ${i} declares ${len} bytes, ${r.remaining} left`);
      r.int8(); // attributes (unused in magic 2)
      const timestamp = logAppendTime ? h.maxTimestamp : h.baseTimestamp + r.varlong();
      if (timestamp > maxTimestamp) maxTimestamp = timestamp;
      const offsetDelta = r.varint();
      if (offsetDelta !== i) throw new RecordsError(`record ${i} has offset delta ${offsetDelta}`);
      field = 'key';
      const key = take();
      field = 'value';
      const value = take();
      const hc = r.varint();
      if (hc < 0) throw new RecordsError(`record ${i} has ${hc} headers`);
      const headers: RecordHeader[] = [];
      for (let j = 0; j < hc; j++) {
        field = 'header key';
        const hk = take();
        if (hk === null) throw new RecordsError(`record ${i} header ${j} has a null key`);
        field = 'header value';
        const hv = take();
        if (out) headers.push({ key: hk.toString('utf8'), value: hv });
      }
      if (r.pos !== start + len) throw new RecordsError(`record ${i} declares ${len} bytes but uses ${r.pos - start}`);
      out?.push({ offset: h.baseOffset + offsetDelta, timestamp, key, value, headers });
    }
  } catch (err) {
    if (err instanceof MalformedRequestError) throw new RecordsError(`record ${i} cut off: ${err.message}`);
    throw err;
  }
  if (r.remaining > 0) throw new RecordsError(`${r.remaining} bytes follow the ${h.recordCount} declared records`);
  return maxTimestamp;
}

const EMPTY = Buffer.alloc(0);
