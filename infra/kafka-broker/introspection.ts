// Read-only views for the console: topics with offsets and sizes, groups with members, assignments and lag,
// decoded records. Nothing here joins a group or commits anything.
import type { BrokerCore } from './core';
import { codecOf, decodeBatchRecords, readBatchHeader, type Codec, type RecordHeader } from './log/batch';
import { Reader } from './codec/reader';

export interface PartitionInfo {
  partition: number;
  logStartOffset: number;
  highWatermark: number;
  bytes: number;
}

export interface TopicInfo {
  name: string;
  partitions: PartitionInfo[];
}

export interface GroupMemberInfo {
  memberId: string;
  clientId: string;
  clientHost: string;
  assigned: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupOffsetInfo {
  topic: string;
  partition: number;
  committedOffset: number;
  highWatermark: number;
  lag: number;
}

export interface GroupInfo {
  groupId: string;
  state: string;
  protocolType: string | null;
  protocol: string | null;
  generationId: number;
  members: GroupMemberInfo[];
  offsets: GroupOffsetInfo[];
}

export interface StoredRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
  codec: Codec;
  /** False for a batch whose records could not be read (stored before validation existed): one entry, no key/value. */
  decoded: boolean;
}

export function listTopics(core: BrokerCore): TopicInfo[] {
  return [...core.store.topics]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, logs]) => ({
      name,
      partitions: logs.map((log, partition) => ({
        partition,
        logStartOffset: log.logStartOffset,
        highWatermark: log.highWatermark,
        bytes: log.bytes,
      })),
    }));
}

/** Decodes a consumer-protocol assignment; other protocol types' assignments are opaque. */
function decodeAssignment(buf: Buffer): Array<{ topic: string; partitions: number[] }> {
  if (buf.length < 2) return [];
  try {
    const r = new Reader(buf);
    r.int16();
    return r.array((t) => ({ topic: t.string(), partitions: t.array((p) => p.int32()) }));
  } catch {
    return [];
  }
}

export function describeGroups(core: BrokerCore): GroupInfo[] {
  return core.groups.groupIds().map((groupId) => {
    const g = core.groups.get(groupId);
    const offsets = core.groups.offsets
      .entries(groupId)
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
      .map((e) => {
        const hw = core.store.log(e.topic, e.partition)?.highWatermark ?? 0;
        return {
          topic: e.topic,
          partition: e.partition,
          committedOffset: e.offset,
          highWatermark: hw,
          lag: Math.max(0, hw - e.offset),
        };
      });
    return {
      groupId,
      state: g?.state ?? 'Empty',
      protocolType: g?.protocolType ?? null,
      protocol: g?.protocolName ?? null,
      generationId: g?.generationId ?? 0,
      members: [...(g?.members.values() ?? [])].map((m) => ({
        memberId: m.memberId,
        clientId: m.req.clientId,
        clientHost: m.req.clientHost,
        assigned: g?.protocolType === 'consumer' ? decodeAssignment(m.assignment) : [],
      })),
      offsets,
    };
  });
}

/** One appended batch: where it went and how many records it holds, read from its header; the records on demand. */
export interface AppendedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly count: number;
  /** The batch's records, read once on the first call. */
  records(): StoredRecord[];
}

/** `batch` is copied: it is a view of the produce request, which a listener may outlive. */
export function appendedBatch(topic: string, partition: number, batch: Buffer): AppendedBatch {
  const own = Buffer.from(batch);
  let records: StoredRecord[] | undefined;
  return {
    topic,
    partition,
    count: readBatchHeader(own).recordCount,
    records: () => (records ??= batchToRecords(topic, partition, own)),
  };
}

export function batchToRecords(topic: string, partition: number, batch: Buffer): StoredRecord[] {
  const h = readBatchHeader(batch);
  const codec = codecOf(h.attributes);
  let decoded: ReturnType<typeof decodeBatchRecords> = null;
  try {
    decoded = decodeBatchRecords(batch);
  } catch {
    decoded = null;
  }
  if (!decoded) {
    return [
      {
        topic,
        partition,
        offset: h.baseOffset,
        timestamp: h.maxTimestamp,
        key: null,
        value: null,
        headers: [],
        codec,
        decoded: false,
      },
    ];
  }
  return decoded.map((rec) => ({ topic, partition, ...rec, codec, decoded: true }));
}

export function readRecords(
  core: BrokerCore,
  topic: string,
  partition: number,
  fromOffset: number,
  maxRecords: number,
): StoredRecord[] {
  const log = core.store.log(topic, partition);
  if (!log) throw new Error(`unknown topic partition ${topic}/${partition}`);
  const out: StoredRecord[] = [];
  let offset = Math.max(fromOffset, log.logStartOffset);
  while (out.length < maxRecords && offset < log.highWatermark) {
    const batches = log.read(offset, 1 << 20);
    if (batches.length === 0) break;
    for (const b of batches) {
      for (const rec of batchToRecords(topic, partition, b)) {
        if ((rec.offset >= offset || !rec.decoded) && out.length < maxRecords) out.push(rec);
      }
      const h = readBatchHeader(b);
      offset = h.baseOffset + h.lastOffsetDelta + 1;
    }
  }
  return out;
}
