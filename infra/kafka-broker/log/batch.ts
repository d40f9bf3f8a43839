// Record batch (magic 2) layout. The broker stores batches exactly as producers sent them; only the
// baseOffset (bytes 0-7) is rewritten, which lies outside the CRC (it covers byte 21 to the end).
import { gunzipSync } from 'node:zlib';
import { crc32c } from '../crc32c';
import { Reader } from '../protocol/reader';

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
  if (end - at < BATCH_HEADER_BYTES) return `batch header needs ${BATCH_HEADER_BYTES} bytes, ${end - at} left`;
  const h = readBatchHeader(buf, at);
  if (h.magic !== 2) return `record batch magic ${h.magic} is not supported (only magic 2)`;
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

/** Decodes the records of one stored batch; null when its codec is one this broker does not carry. */
export function decodeBatchRecords(batch: Buffer): DecodedRecord[] | null {
  const h = readBatchHeader(batch);
  const codec = codecOf(h.attributes);
  let body = batch.subarray(BATCH_HEADER_BYTES, h.size);
  if (codec === 'gzip') body = gunzipSync(body);
  else if (codec !== 'none') return null;
  const logAppendTime = (h.attributes & 0x08) !== 0;
  const r = new Reader(body);
  const out: DecodedRecord[] = [];
  for (let i = 0; i < h.recordCount; i++) {
    const len = r.varint();
    const start = r.pos;
    r.int8();
    const tsDelta = r.varlong();
    const offsetDelta = r.varint();
    const keyLen = r.varint();
    const key = keyLen < 0 ? null : Buffer.from(r.bytes(keyLen));
    const valueLen = r.varint();
    const value = valueLen < 0 ? null : Buffer.from(r.bytes(valueLen));
    const headers: RecordHeader[] = [];
    const hc = r.varint();
    for (let j = 0; j < hc; j++) {
      const hk = r.bytes(r.varint()).toString('utf8');
      const hvLen = r.varint();
      headers.push({ key: hk, value: hvLen < 0 ? null : Buffer.from(r.bytes(hvLen)) });
    }
    r.pos = start + len;
    out.push({
      offset: h.baseOffset + offsetDelta,
      timestamp: logAppendTime ? h.maxTimestamp : h.baseTimestamp + tsDelta,
      key,
      value,
      headers,
    });
  }
  return out;
}
