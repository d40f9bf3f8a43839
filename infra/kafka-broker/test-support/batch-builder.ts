// Builds magic-2 record batches byte by byte, for protocol-level tests, the fuzzer and the crash tests.
import { crc32c } from '../crc32c';
import { Writer } from '../protocol/writer';

export interface TestRecord {
  key?: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export interface BatchOptions {
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  timestamp?: number;
}

export function buildBatch(records: TestRecord[], opts: BatchOptions = {}): Buffer {
  const ts = opts.timestamp ?? Date.now();
  const body = new Writer();
  records.forEach((rec, i) => {
    const r = new Writer();
    r.int8(0).varint(0).varint(i);
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
  const recs = body.toBuffer();
  const w = new Writer(61 + recs.length);
  w.int64(0)
    .int32(49 + recs.length)
    .int32(0)
    .int8(2)
    .uint32(0);
  w.int16(0)
    .int32(records.length - 1)
    .int64(ts)
    .int64(ts);
  w.int64(opts.producerId ?? -1)
    .int16(opts.producerEpoch ?? -1)
    .int32(opts.baseSequence ?? -1)
    .int32(records.length);
  w.raw(recs);
  const batch = Buffer.from(w.toBuffer());
  batch.writeUInt32BE(crc32c(batch, 21), 17);
  return batch;
}
