// OffsetCommit v0-v7 and OffsetFetch v0-v5: committed offsets are durable (fsynced) before the answer.
// v0/v1 are sarama's defaults (v0 commits without a generation, like a simple consumer's commit; v1 carries a
// per-partition commit timestamp that Kafka only used for retention). OffsetFetch v0 reads like v1.
import type { ApiHandler } from './context';
import { ErrorCode } from '../codec/error-codes';
import { Writer } from '../codec/writer';

export const handleOffsetCommit: ApiHandler = async (r, ctx, core) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const generationId = v >= 1 ? r.int32() : -1;
  const memberId = v >= 1 ? r.string() : '';
  if (v >= 7) r.nullableString(); // group_instance_id
  if (v >= 2 && v <= 4) r.int64(); // retention_time_ms
  const topics = r.array((t) => ({
    name: t.string(),
    partitions: t.array((p) => {
      const index = p.int32();
      const offset = p.int64();
      if (v === 1) p.int64(); // commit_timestamp
      if (v >= 6) p.int32(); // committed_leader_epoch
      return { index, offset, metadata: p.nullableString() };
    }),
  }));
  const group = core.groups.get(groupId);
  let code: number = ErrorCode.NONE;
  if (groupId === '') code = ErrorCode.INVALID_GROUP_ID;
  else if (group) code = group.commitAllowed(memberId, generationId);
  else if (generationId >= 0) code = ErrorCode.UNKNOWN_MEMBER_ID;

  const rows: Array<{ topic: string; partition: number; offset: number; metadata: string | null }> = [];
  const results = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => {
      let pc = code;
      if (pc === ErrorCode.NONE && !core.store.log(t.name, p.index)) pc = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      if (pc === ErrorCode.NONE)
        rows.push({ topic: t.name, partition: p.index, offset: p.offset, metadata: p.metadata });
      return { index: p.index, code: pc };
    }),
  }));
  if (rows.length > 0) await core.groups.offsets.commit(groupId, rows);

  const w = new Writer();
  if (v >= 3) w.int32(0);
  w.array(results, (w2, t) => {
    w2.string(t.name);
    w2.array(t.partitions, (w3, p) => w3.int32(p.index).int16(p.code));
  });
  return w;
};

export const handleOffsetFetch: ApiHandler = (r, ctx, core) => {
  const v = ctx.apiVersion;
  const groupId = r.string();
  const requested = r.nullableArray((t) => ({ name: t.string(), partitions: t.array((p) => p.int32()) }));
  const offsets = core.groups.offsets;
  let topics = requested;
  if (topics === null) {
    // all committed partitions of the group (v2+)
    const byTopic = new Map<string, number[]>();
    for (const e of offsets.entries(groupId)) byTopic.set(e.topic, [...(byTopic.get(e.topic) ?? []), e.partition]);
    topics = [...byTopic].map(([name, partitions]) => ({ name, partitions }));
  }
  const w = new Writer();
  if (v >= 3) w.int32(0);
  w.array(topics, (w2, t) => {
    w2.string(t.name);
    w2.array(t.partitions, (w3, p) => {
      const c = offsets.get(groupId, t.name, p);
      w3.int32(p).int64(c?.offset ?? -1);
      if (v >= 5) w3.int32(-1);
      w3.nullableString(c?.metadata ?? '').int16(ErrorCode.NONE);
    });
  });
  if (v >= 2) w.int16(ErrorCode.NONE);
  return w;
};
