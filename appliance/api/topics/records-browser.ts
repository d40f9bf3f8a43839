// The topic message browser: where to start (oldest / newest / offset / time), which records match the filters
// (key, header, event type), how far the scan got, and NDJSON export. Reads go straight to the broker, partition
// by partition, in bounded steps so a search over a large topic reports progress instead of hanging.
import { BadRequestError, NotFoundError } from '../http/errors';
import type { BrokerRecord, KafkaInspector, PartitionInfo } from '../ports';
import { decodeRecord, headerText, type DecodedRecord } from './record-decoder';

export type StartPosition =
  { from: 'oldest' } | { from: 'newest' } | { from: 'offset'; offset: number } | { from: 'time'; timeMs: number };

export interface RecordFilter {
  key?: string;
  eventType?: string;
  /** "name=value" (exact) or "name" (present); value match is a substring match. */
  header?: { name: string; value: string | null };
}

export interface BrowseRequest {
  topic: string;
  partition: number | null;
  start: StartPosition;
  /** Most records to return. */
  limit: number;
  /** Most records to look at, per call, when filters skip records. */
  scanLimit: number;
  filter: RecordFilter;
  /** Continue from where a previous page stopped ("partition:offset" per partition). */
  cursor?: Record<string, number>;
}

export interface BrowseResult {
  records: DecodedRecord[];
  /** Next offset to read per partition; pass back as cursor to continue. */
  cursor: Record<string, number>;
  scanned: number;
  /** Records still unread after the cursor, up to the high watermarks when the scan started. */
  remaining: number;
  done: boolean;
}

const READ_STEP = 500;

export function parseFilter(query: URLSearchParams): RecordFilter {
  const filter: RecordFilter = {};
  const key = query.get('key');
  if (key) filter.key = key;
  const eventType = query.get('eventType');
  if (eventType) filter.eventType = eventType;
  const header = query.get('header');
  if (header) {
    const eq = header.indexOf('=');
    filter.header = eq < 0 ? { name: header, value: null } : { name: header.slice(0, eq), value: header.slice(eq + 1) };
    if (!filter.header.name) throw new BadRequestError('header filter must be "name" or "name=value"');
  }
  return filter;
}

export function parseStart(query: URLSearchParams): StartPosition {
  const from = query.get('from') ?? 'newest';
  if (from === 'oldest' || from === 'newest') return { from };
  if (from === 'offset') {
    const offset = Number(query.get('offset'));
    if (!Number.isInteger(offset) || offset < 0)
      throw new BadRequestError('from=offset needs offset=<non-negative integer>');
    return { from, offset };
  }
  if (from === 'time') {
    const raw = query.get('time') ?? '';
    const timeMs = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    if (!Number.isFinite(timeMs))
      throw new BadRequestError(`from=time needs time=<epoch ms or ISO date>, got "${raw}"`);
    return { from, timeMs };
  }
  throw new BadRequestError(`from must be oldest, newest, offset or time, got "${from}"`);
}

export function matches(record: BrokerRecord, filter: RecordFilter): boolean {
  if (filter.key !== undefined) {
    const key = record.key ? Buffer.from(record.key).toString('utf8') : '';
    if (!key.includes(filter.key)) return false;
  }
  if (filter.eventType !== undefined && headerText(record, 'event-type') !== filter.eventType) return false;
  if (filter.header) {
    const value = headerText(record, filter.header.name);
    if (value === null) return false;
    if (filter.header.value !== null && !value.includes(filter.header.value)) return false;
  }
  return true;
}

export class RecordsBrowser {
  constructor(private readonly kafka: KafkaInspector) {}

  async partitionsOf(topic: string, partition: number | null): Promise<PartitionInfo[]> {
    const topics = await this.kafka.listTopics();
    const found = topics.find((t) => t.name === topic);
    if (!found)
      throw new NotFoundError(`no topic "${topic}"; topics: ${topics.map((t) => t.name).join(', ') || 'none yet'}`);
    if (partition === null) return found.partitions;
    const one = found.partitions.find((p) => p.partition === partition);
    if (!one)
      throw new NotFoundError(`topic "${topic}" has no partition ${partition} (it has ${found.partitions.length})`);
    return [one];
  }

  /** First offset at or after timeMs: binary search, as record timestamps grow with offsets in this broker. */
  async offsetForTime(topic: string, p: PartitionInfo, timeMs: number): Promise<number> {
    let low = p.lowWatermark;
    let high = p.highWatermark;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      const [record] = await this.kafka.readRecords(topic, p.partition, mid, 1);
      if (!record) return high;
      if (record.timestampMs < timeMs) low = record.offset + 1;
      else high = mid;
    }
    return low;
  }

  private async startOffset(
    topic: string,
    p: PartitionInfo,
    start: StartPosition,
    perPartition: number,
  ): Promise<number> {
    switch (start.from) {
      case 'oldest':
        return p.lowWatermark;
      case 'newest':
        return Math.max(p.lowWatermark, p.highWatermark - perPartition);
      case 'offset':
        return Math.min(Math.max(start.offset, p.lowWatermark), p.highWatermark);
      case 'time':
        return this.offsetForTime(topic, p, start.timeMs);
    }
  }

  async browse(request: BrowseRequest): Promise<BrowseResult> {
    const partitions = await this.partitionsOf(request.topic, request.partition);
    const cursor: Record<string, number> = {};
    for (const p of partitions) {
      cursor[p.partition] =
        request.cursor?.[p.partition] ??
        (await this.startOffset(request.topic, p, request.start, Math.ceil(request.limit / partitions.length)));
    }
    const found: DecodedRecord[] = [];
    let scanned = 0;
    const filtered = Object.keys(request.filter).length > 0;
    // Round-robin over partitions so a page is not all one partition.
    let progressed = true;
    while (found.length < request.limit && scanned < request.scanLimit && progressed) {
      progressed = false;
      for (const p of partitions) {
        const next = cursor[p.partition] ?? p.highWatermark;
        if (next >= p.highWatermark) continue;
        // Take a fair share from each partition per round, so a page shows every partition, not just the first.
        const wanted = Math.ceil(Math.max(1, request.limit - found.length) / partitions.length) * (filtered ? 10 : 1);
        const step = Math.min(READ_STEP, wanted, request.scanLimit - scanned, p.highWatermark - next);
        if (step <= 0) break;
        const batch = await this.kafka.readRecords(request.topic, p.partition, next, step);
        if (batch.length === 0) {
          cursor[p.partition] = p.highWatermark;
          continue;
        }
        progressed = true;
        for (const record of batch) {
          scanned += 1;
          cursor[p.partition] = record.offset + 1;
          if (matches(record, request.filter)) found.push(decodeRecord(record));
          if (found.length >= request.limit) break;
        }
        if (found.length >= request.limit) break;
      }
    }
    const remaining = partitions.reduce(
      (sum, p) => sum + Math.max(0, p.highWatermark - (cursor[p.partition] ?? p.highWatermark)),
      0,
    );
    found.sort((a, b) => a.timestampMs - b.timestampMs || a.partition - b.partition || a.offset - b.offset);
    return { records: found, cursor, scanned, remaining, done: remaining === 0 };
  }

  /** Every matching record from the start position to the high watermarks, for NDJSON export. */
  async *export(
    request: Omit<BrowseRequest, 'limit' | 'scanLimit' | 'cursor'>,
    max: number,
  ): AsyncGenerator<DecodedRecord> {
    let cursor: Record<string, number> | undefined;
    let sent = 0;
    for (;;) {
      const page = await this.browse({ ...request, limit: Math.min(1000, max - sent), scanLimit: 5000, cursor });
      for (const record of page.records) yield record;
      sent += page.records.length;
      if (page.done || sent >= max) return;
      cursor = page.cursor;
    }
  }
}
