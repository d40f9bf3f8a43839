// Decompression of record-batch bodies, so the broker can check every record of a produced batch (as Kafka
// does) and look inside batches for offsets by timestamp. gzip comes from zlib; snappy (raw and xerial-framed,
// as the Java/kafka-python clients write it) and the LZ4 frame format are small enough to decode here.
// zstd is not in Node 20's zlib: ./zstd.ts decodes it.
import { gunzipSync } from 'node:zlib';
import { CodecError } from './codec-error';
import { zstdDecompress } from './zstd';

export { CodecError };

/** No batch body may inflate past this: a few bytes of hostile input must not take the broker's memory. */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

/** The decoded body (null is kept for a codec without a decoder; all of Kafka's have one). Throws CodecError. */
export function decompress(codec: number, body: Buffer): Buffer | null {
  switch (codec) {
    case 0:
      return body;
    case 1:
      try {
        return gunzipSync(body, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
      } catch (err) {
        throw new CodecError(`gzip body does not inflate: ${(err as Error).message}`);
      }
    case 2:
      return snappyDecode(body);
    case 3:
      return lz4FrameDecode(body);
    case 4:
      return zstdDecompress(body, MAX_DECOMPRESSED_BYTES);
    default:
      throw new CodecError(`compression codec ${codec} does not exist`);
  }
}

/** Growable output with the back-reference copy both snappy and LZ4 need. */
class Sink {
  buf: Buffer;
  len = 0;
  constructor(hint: number) {
    this.buf = Buffer.allocUnsafe(Math.max(64, Math.min(hint, MAX_DECOMPRESSED_BYTES)));
  }
  private ensure(n: number): void {
    if (this.len + n > MAX_DECOMPRESSED_BYTES) throw new CodecError(`inflates past ${MAX_DECOMPRESSED_BYTES} bytes`);
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.min(Math.max(this.buf.length * 2, this.len + n), MAX_DECOMPRESSED_BYTES));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
  literal(src: Buffer, from: number, n: number, what: string): void {
    if (from + n > src.length) throw new CodecError(`${what}: literal of ${n} bytes runs past the input`);
    this.ensure(n);
    src.copy(this.buf, this.len, from, from + n);
    this.len += n;
  }
  copy(offset: number, n: number, what: string): void {
    if (offset <= 0 || offset > this.len) throw new CodecError(`${what}: back-reference ${offset} outside the output`);
    this.ensure(n);
    // overlapping copies repeat the last `offset` bytes, so go byte by byte when they overlap
    if (offset >= n) this.buf.copy(this.buf, this.len, this.len - offset, this.len - offset + n);
    else for (let i = 0; i < n; i++) this.buf[this.len + i] = this.buf[this.len - offset + i] as number;
    this.len += n;
  }
  result(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);

function snappyDecode(body: Buffer): Buffer {
  if (body.length >= 16 && body.subarray(0, 8).equals(XERIAL_MAGIC)) {
    // xerial framing: 16-byte header, then [int32 length][raw snappy block]...
    const parts: Buffer[] = [];
    let total = 0;
    for (let pos = 16; pos < body.length;) {
      if (pos + 4 > body.length) throw new CodecError('snappy (xerial): block length cut off');
      const n = body.readInt32BE(pos);
      if (n < 0 || pos + 4 + n > body.length) throw new CodecError(`snappy (xerial): block of ${n} bytes cut off`);
      const part = snappyRaw(body.subarray(pos + 4, pos + 4 + n));
      total += part.length;
      if (total > MAX_DECOMPRESSED_BYTES) throw new CodecError(`inflates past ${MAX_DECOMPRESSED_BYTES} bytes`);
      parts.push(part);
      pos += 4 + n;
    }
    return Buffer.concat(parts);
  }
  return snappyRaw(body);
}

function snappyRaw(src: Buffer): Buffer {
  let pos = 0;
  let expected = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= src.length || shift > 28) throw new CodecError('snappy: bad length preamble');
    const b = src[pos++] as number;
    expected += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  if (expected > MAX_DECOMPRESSED_BYTES) throw new CodecError(`snappy: declares ${expected} bytes`);
  const out = new Sink(expected);
  const need = (n: number): void => {
    if (pos + n > src.length) throw new CodecError('snappy: element cut off');
  };
  while (pos < src.length) {
    const tag = src[pos++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let n = tag >> 2;
      if (n >= 60) {
        const bytes = n - 59;
        need(bytes);
        n = src.readUIntLE(pos, bytes);
        pos += bytes;
      }
      out.literal(src, pos, n + 1, 'snappy');
      pos += n + 1;
    } else if (kind === 1) {
      need(1);
      out.copy(((tag >> 5) << 8) | (src[pos++] as number), ((tag >> 2) & 7) + 4, 'snappy');
    } else if (kind === 2) {
      need(2);
      out.copy(src.readUInt16LE(pos), (tag >> 2) + 1, 'snappy');
      pos += 2;
    } else {
      need(4);
      out.copy(src.readUInt32LE(pos), (tag >> 2) + 1, 'snappy');
      pos += 4;
    }
    if (out.len > expected) throw new CodecError(`snappy: output passes the declared ${expected} bytes`);
  }
  if (out.len !== expected) throw new CodecError(`snappy: ${out.len} bytes decoded, ${expected} declared`);
  return out.result();
}

const LZ4_MAGIC = 0x184d2204;

function lz4FrameDecode(src: Buffer): Buffer {
  if (src.length < 7 || src.readUInt32LE(0) !== LZ4_MAGIC) throw new CodecError('lz4: not an LZ4 frame');
  const flg = src[4] as number;
  if (flg >> 6 !== 1) throw new CodecError(`lz4: frame version ${flg >> 6} is not 1`);
  const blockChecksum = (flg & 0x10) !== 0;
  let pos = 6 + ((flg & 0x08) !== 0 ? 8 : 0) + ((flg & 0x01) !== 0 ? 4 : 0) + 1; // FLG BD [size] [dict] HC
  const out = new Sink(src.length * 4);
  for (;;) {
    if (pos + 4 > src.length) throw new CodecError('lz4: frame ends without an end mark');
    const word = src.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (pos + size > src.length) throw new CodecError(`lz4: block of ${size} bytes cut off`);
    if (word & 0x80000000) out.literal(src, pos, size, 'lz4');
    else lz4Block(src, pos, pos + size, out);
    pos += size + (blockChecksum ? 4 : 0);
  }
  return out.result();
}

/** One LZ4 block; matches may reach into earlier blocks, which the shared sink keeps. */
function lz4Block(src: Buffer, start: number, end: number, out: Sink): void {
  let pos = start;
  const extend = (n: number): number => {
    let len = n;
    if (n === 15) {
      for (;;) {
        if (pos >= end) throw new CodecError('lz4: length cut off');
        const b = src[pos++] as number;
        len += b;
        if (b !== 255) break;
      }
    }
    return len;
  };
  while (pos < end) {
    const token = src[pos++] as number;
    const lit = extend(token >> 4);
    if (pos + lit > end) throw new CodecError('lz4: literals run past the block');
    out.literal(src, pos, lit, 'lz4');
    pos += lit;
    if (pos === end) return; // the last sequence has literals only
    if (pos + 2 > end) throw new CodecError('lz4: match offset cut off');
    const offset = src.readUInt16LE(pos);
    pos += 2;
    out.copy(offset, extend(token & 15) + 4, 'lz4');
  }
}
