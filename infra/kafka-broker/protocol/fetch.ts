// Fetch v0-v11 (no fetch sessions: every request is a full one) and ListOffsets v0-v3.
// A fetch that finds fewer than min_bytes waits up to max_wait_ms and is woken by any append.
// What each Fetch version may carry (old message sets below v4, which cannot hold zstd) is in ./fetch-formats.ts.
import type { BrokerCore } from '../core';
import { decodeBatchRecords } from '../log/batch';
import type { ApiHandler } from './context';
import { ErrorCode } from '../codec/error-codes';
import { recordsForFetchVersion } from './fetch-formats';
import { Writer } from '../codec/writer';

interface FetchPartition {
  index: number;
  fetchOffset: number;
  maxBytes: number;
}

interface PartitionData {
  index: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  fetchOffset: number;
  maxBytes: number;
  batches: Buffer[];
}

export const handleFetch: ApiHandler = async (r, ctx, core) => {
  const v = ctx.apiVersion;
  r.int32(); // replica_id
  const maxWaitMs = Math.min(Math.max(r.int32(), 0), 60_000);
  const minBytes = r.int32();
  const maxBytes = v >= 3 ? r.int32() : 0x7fffffff; // before v3 only the per-partition limits apply
  if (v >= 4) r.int8(); // isolation_level: with no transactions, read_committed sees what read_uncommitted sees
  if (v >= 7) {
    r.int32(); // session_id
    r.int32(); // session_epoch
  }
  const topics = r.array((t) => ({
    name: t.string(),
    partitions: t.array((p): FetchPartition => {
      const index = p.int32();
      if (v >= 9) p.int32(); // current_leader_epoch
      const fetchOffset = p.int64();
      if (v >= 5) p.int64(); // log_start_offset (a follower's)
      return { index, fetchOffset, maxBytes: p.int32() };
    }),
  }));
  if (v >= 7) r.array((t) => ({ name: t.string(), partitions: t.array((p) => p.int32()) }));
  if (v >= 11) r.string(); // rack_id

  let result = collect(core, topics, maxBytes);
  const deadline = Date.now() + maxWaitMs;
  const names = new Set(topics.map((t) => t.name));
  while (result.bytes < Math.max(minBytes, 1) && !result.hasError && !ctx.closed.aborted && Date.now() < deadline) {
    await waitForAppend(core, names, deadline - Date.now(), ctx.closed);
    result = collect(core, topics, maxBytes);
  }

  // sized once: the records and, per topic and partition, their fixed fields (so the records are not copied again)
  const w = new Writer(
    64 + result.bytes + topics.reduce((n, t) => n + 8 + Buffer.byteLength(t.name) + 48 * t.partitions.length, 0),
  );
  if (v >= 1) w.int32(0); // throttle_time_ms
  if (v >= 7) w.int16(ErrorCode.NONE).int32(0);
  w.array(result.topics, (w2, t) => {
    w2.string(t.name);
    w2.array(t.partitions, (w3, p) => {
      const { errorCode, records } =
        p.errorCode === ErrorCode.NONE
          ? recordsForFetchVersion(v, p.fetchOffset, p.maxBytes, p.batches)
          : { errorCode: p.errorCode, records: [] };
      w3.int32(p.index).int16(errorCode).int64(p.highWatermark);
      if (v >= 4) w3.int64(p.highWatermark); // last_stable_offset
      if (v >= 5) w3.int64(p.logStartOffset);
      if (v >= 4) w3.int32(-1); // aborted_transactions: null
      if (v >= 11) w3.int32(-1); // preferred_read_replica
      const size = records.reduce((n, b) => n + b.length, 0);
      w3.int32(size);
      for (const b of records) w3.raw(b);
    });
  });
  return w;
};

function collect(core: BrokerCore, topics: Array<{ name: string; partitions: FetchPartition[] }>, maxBytes: number) {
  let bytes = 0;
  let hasError = false;
  const out = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionData => {
      const log = core.store.log(t.name, p.index);
      if (!log) {
        hasError = true;
        return {
          index: p.index,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          logStartOffset: -1,
          fetchOffset: p.fetchOffset,
          maxBytes: p.maxBytes,
          batches: [],
        };
      }
      const base = {
        index: p.index,
        highWatermark: log.highWatermark,
        logStartOffset: log.logStartOffset,
        fetchOffset: p.fetchOffset,
        maxBytes: p.maxBytes,
      };
      if (p.fetchOffset < log.logStartOffset || p.fetchOffset > log.highWatermark) {
        hasError = true;
        return { ...base, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, batches: [] };
      }
      // the first partition with data always gets at least one whole batch, like Kafka (KIP-74)
      const budget = Math.min(p.maxBytes, Math.max(maxBytes - bytes, bytes === 0 ? 1 : 0));
      const batches = budget > 0 ? log.read(p.fetchOffset, budget) : [];
      for (const b of batches) bytes += b.length;
      return { ...base, errorCode: ErrorCode.NONE, batches };
    }),
  }));
  return { topics: out, bytes, hasError };
}

function waitForAppend(core: BrokerCore, topics: Set<string>, ms: number, closed: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (closed.aborted) return resolve();
    const onBatch = (topic: string): void => {
      if (topics.has(topic)) done();
    };
    const timer = setTimeout(() => done(), ms);
    function done(): void {
      clearTimeout(timer);
      core.appends.off('batch', onBatch);
      closed.removeEventListener('abort', done);
      resolve();
    }
    core.appends.on('batch', onBatch);
    closed.addEventListener('abort', done);
  });
}

export const handleListOffsets: ApiHandler = (r, ctx, core) => {
  const v = ctx.apiVersion;
  r.int32(); // replica_id
  if (v >= 2) r.int8(); // isolation_level
  const topics = r.array((t) => ({
    name: t.string(),
    // v0's max_num_offsets asks for that many offsets before the time, from segment file dates: one is given here
    partitions: t.array((p) => ({ index: p.int32(), timestamp: p.int64(), maxOffsets: v === 0 ? p.int32() : 1 })),
  }));
  const w = new Writer();
  if (v >= 2) w.int32(0);
  w.array(topics, (w2, t) => {
    w2.string(t.name);
    w2.array(t.partitions, (w3, p) => {
      const log = core.store.log(t.name, p.index);
      if (!log) {
        w3.int32(p.index).int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        if (v === 0) w3.int32(0);
        else w3.int64(-1).int64(-1);
        return;
      }
      let offset = log.highWatermark;
      let timestamp = -1;
      if (p.timestamp === -2) offset = log.logStartOffset;
      else if (p.timestamp >= 0) ({ offset, timestamp } = offsetForTimestamp(log, p.timestamp));
      if (v === 0) {
        // the old "offsets" array (sarama's default config asks for -1 and -2, one offset each); a time past the
        // last record answers the end, where the v0 consumer would start reading anyway
        const old = offset < 0 ? log.highWatermark : offset;
        w3.int32(p.index)
          .int16(ErrorCode.NONE)
          .array(p.maxOffsets > 0 ? [old] : [], (w4, o) => w4.int64(o));
        return;
      }
      w3.int32(p.index).int16(ErrorCode.NONE).int64(timestamp).int64(offset);
    });
  });
  return w;
};

/** The first record at or after `ts`; records inside a batch are looked at when its codec is readable. */
function offsetForTimestamp(log: NonNullable<ReturnType<BrokerCore['store']['log']>>, ts: number) {
  const batch = log.batchAtTimestamp(ts);
  if (!batch) return { offset: -1, timestamp: -1 }; // as Kafka: no record at or after ts
  const [buf] = log.read(batch.baseOffset, 1);
  let records: ReturnType<typeof decodeBatchRecords> = null;
  try {
    records = buf ? decodeBatchRecords(buf) : null;
  } catch {
    records = null; // an unreadable compressed batch: answer with its base offset
  }
  const hit = records?.find((rec) => rec.timestamp >= ts);
  return hit ? { offset: hit.offset, timestamp: hit.timestamp } : { offset: batch.baseOffset, timestamp: ts };
}
