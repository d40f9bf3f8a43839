// Builds magic-2 record batches byte by byte, for protocol-level tests, the fuzzer and the crash tests.
// Bodies can be wrapped in any of Kafka's codecs; the snappy, LZ4 and zstd encoders here only emit literal
// (stored) blocks: valid streams for a decoder, enough to test the broker's decoders and its carrying of them.
import { gzipSync } from 'node:zlib';
import { crc32c } from '../../../lib/crc32c';
import { Writer } from '../codec/writer';

export interface TestRecord {
  key?: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  /** Milliseconds after the batch's base timestamp. */
  timestampDelta?: number;
}

export const CODEC_IDS = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } as const;

export interface BatchOptions {
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  timestamp?: number;
  /** The header's max timestamp; by default the largest record timestamp. */
  maxTimestamp?: number;
  codec?: keyof typeof CODEC_IDS;
}

export function buildBatch(records: TestRecord[], opts: BatchOptions = {}): Buffer {
  const ts = opts.timestamp ?? Date.now();
  const body = new Writer();
  records.forEach((rec, i) => {
    const r = new Writer();
    r.int8(0)
      .varint(rec.timestampDelta ?? 0)
      .varint(i);
    const key = rec.key === undefined || rec.key === null ? null : Buffer.from(rec.key);
    if (key) r.varint(key.length).raw(key);
    else r.varint(-1);
    const value = rec.value === null ? null : Buffer.from(rec.value);
    if (value) r.varint(value.length).raw(value);
    else r.varint(-1);
    const headers = Object.entries(rec.headers ?? {});
    r.varint(headers.length);
    for (const [hk, hv] of headers) {
      const kb = Buffer.from(hk);
      const vb = Buffer.from(hv);
      r.varint(kb.length).raw(kb).varint(vb.length).raw(vb);
    }
    const rb = r.toBuffer();
    body.varint(rb.length).raw(rb);
  });
  const recs = compress(opts.codec ?? 'none', body.toBuffer());
  const maxTs = opts.maxTimestamp ?? ts + Math.max(0, ...records.map((r) => r.timestampDelta ?? 0));
  const w = new Writer(61 + recs.length);
  w.int64(0)
    .int32(49 + recs.length)
    .int32(0)
    .int8(2)
    .uint32(0);
  w.int16(CODEC_IDS[opts.codec ?? 'none'])
    .int32(records.length - 1)
    .int64(ts)
    .int64(maxTs);
  w.int64(opts.producerId ?? -1)
    .int16(opts.producerEpoch ?? -1)
    .int32(opts.baseSequence ?? -1)
    .int32(records.length);
  w.raw(recs);
  const batch = Buffer.from(w.toBuffer());
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

/** Rewrites the CRC after a test has changed header or body bytes on purpose. */
export function fixCrc(batch: Buffer): Buffer {
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}

export function compress(codec: keyof typeof CODEC_IDS, raw: Buffer): Buffer {
  switch (codec) {
    case 'none':
      return raw;
    case 'gzip':
      return gzipSync(raw);
    case 'snappy': {
      // preamble (uncompressed length), then literal elements of up to 2^16 bytes
      const w = new Writer().uvarint(raw.length);
      for (let pos = 0; pos < raw.length; pos += 65536) {
        const part = raw.subarray(pos, pos + 65536);
        // tag 61 << 2: a literal whose length-1 follows in 2 little-endian bytes
        w.raw(Buffer.from([61 << 2, (part.length - 1) & 0xff, (part.length - 1) >> 8])).raw(part);
      }
      return w.toBuffer();
    }
    case 'lz4': {
      // frame header: magic, FLG (version 1, independent blocks), BD (64 KiB), header checksum byte
      const w = new Writer().raw(Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]));
      for (let pos = 0; pos < raw.length; pos += 65536) {
        const part = raw.subarray(pos, pos + 65536);
        const size = Buffer.alloc(4);
        size.writeUInt32LE((part.length | 0x80000000) >>> 0); // high bit: stored uncompressed
        w.raw(size).raw(part);
      }
      return w.raw(Buffer.alloc(4)).toBuffer(); // end mark
    }
    case 'zstd': {
      // frame: magic, descriptor (single segment, 4-byte content size), one last raw block
      const w = new Writer().raw(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xa0]));
      const size = Buffer.alloc(4);
      size.writeUInt32LE(raw.length);
      const block = Buffer.alloc(3);
      block.writeUIntLE(raw.length * 8 + 1, 0, 3); // last block, type raw
      return w.raw(size).raw(block).raw(raw).toBuffer();
    }
  }
}
