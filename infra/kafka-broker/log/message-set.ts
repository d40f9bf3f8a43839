// Up-conversion of the old message-set formats (magic 0 and 1, sent with Produce v0-v2 by clients pinned to
// Kafka < 0.11, such as sarama's default config) into one magic-2 record batch, as a Kafka broker with
// message format 2 does. Compressed wrapper messages are opened; the batch is stored uncompressed.
import { crc32 } from 'node:zlib';
import { crc32c } from '../../../lib/crc32c';
import { Writer } from '../codec/writer';
import { decompress } from './codecs';
import { CodecError } from './codec-error';

interface OldMessage {
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
}

const MAX_NESTING = 1; // a compressed wrapper holds plain messages, never another wrapper

/** One batch holding every message of `set`, or why the set cannot be read. */
export function upConvertMessageSet(set: Buffer): Buffer | string {
  const messages: OldMessage[] = [];
  try {
    readSet(set, messages, 0);
  } catch (err) {
    if (err instanceof CodecError) return `message set: ${err.message}`;
    throw err;
  }
  if (messages.length === 0) return 'message set holds no message';
  return buildBatch(messages);
}

function readSet(set: Buffer, out: OldMessage[], depth: number): void {
  let pos = 0;
  while (pos < set.length) {
    // a producer may cut the last message short (the fetch side of the old protocol does); only whole ones count
    if (set.length - pos < 12) throw new CodecError(`${set.length - pos} stray bytes after the last message`);
    const size = set.readInt32BE(pos + 8);
    const start = pos + 12;
    const end = start + size;
    if (size < 14 || end > set.length) throw new CodecError(`message of ${size} bytes at byte ${pos} is cut off`);
    const crc = set.readUInt32BE(start);
    if (crc32(set.subarray(start + 4, end)) !== crc) throw new CodecError(`message at byte ${pos}: CRC32 mismatch`);
    const magic = set.readInt8(start + 4);
    if (magic !== 0 && magic !== 1) throw new CodecError(`message at byte ${pos} has magic ${magic}`);
    const attributes = set.readInt8(start + 5);
    let at = start + 6;
    let timestamp = -1;
    if (magic === 1) {
      if (at + 8 > end) throw new CodecError(`message at byte ${pos} is cut off`);
      timestamp = Number(set.readBigInt64BE(at));
      at += 8;
    }
    const field = (): Buffer | null => {
      if (at + 4 > end) throw new CodecError(`message at byte ${pos} is cut off`);
      const n = set.readInt32BE(at);
      at += 4;
      if (n < -1 || at + Math.max(n, 0) > end) throw new CodecError(`message at byte ${pos} has a bad length ${n}`);
      if (n < 0) return null;
      at += n;
      return Buffer.from(set.subarray(at - n, at));
    };
    const key = field();
    const value = field();
    if (at !== end) throw new CodecError(`message at byte ${pos} has ${end - at} bytes after its value`);
    const codec = attributes & 0x07;
    if (codec === 0) out.push({ timestamp, key, value });
    else {
      if (depth >= MAX_NESTING || value === null)
        throw new CodecError(`message at byte ${pos}: bad compressed wrapper`);
      const inner = decompress(codec, value);
      if (inner === null) throw new CodecError(`codec ${codec} cannot be opened`);
      const before = out.length;
      readSet(inner, out, depth + 1);
      // magic 1 wrappers with LogAppendTime (bit 3) carry the time for all of their messages
      if (magic === 1 && (attributes & 0x08) !== 0)
        for (let i = before; i < out.length; i++) out[i]!.timestamp = timestamp;
    }
    pos = end;
  }
}

function buildBatch(messages: OldMessage[]): Buffer {
  const base = (messages[0] as OldMessage).timestamp;
  const body = new Writer();
  messages.forEach((m, i) => {
    const r = new Writer();
    r.int8(0)
      .varint(m.timestamp - base)
      .varint(i);
    if (m.key) r.varint(m.key.length).raw(m.key);
    else r.varint(-1);
    if (m.value) r.varint(m.value.length).raw(m.value);
    else r.varint(-1);
    r.varint(0); // headers: the old formats have none
    const rec = r.toBuffer();
    body.varint(rec.length).raw(rec);
  });
  const records = body.toBuffer();
  let maxTimestamp = -1;
  for (const m of messages) if (m.timestamp > maxTimestamp) maxTimestamp = m.timestamp;
  const w = new Writer(61 + records.length);
  w.int64(0)
    .int32(49 + records.length)
    .int32(0)
    .int8(2)
    .uint32(0);
  w.int16(0)
    .int32(messages.length - 1)
    .int64(base)
    .int64(maxTimestamp);
  w.int64(-1).int16(-1).int32(-1).int32(messages.length); // no producer id: not idempotent
  w.raw(records);
  const batch = Buffer.from(w.toBuffer());
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}
