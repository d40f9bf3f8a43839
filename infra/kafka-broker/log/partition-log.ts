// One partition's log: segment files `<20-digit base offset>.log` holding raw record batches back to back.
// An in-memory list of batch positions (rebuilt by recovery at open) serves fetches; the files are the truth.
import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { readBatchHeader } from './batch';
import { ProducerStateTable } from './producer-state';
import { scanSegment, truncateFile } from './recovery';

export interface LogLogger {
  warn(msg: string): void;
}

export interface PartitionLogOptions {
  segmentBytes: number;
  maxBytes?: number;
  maxAgeMs?: number;
}

interface Segment {
  baseOffset: number;
  path: string;
  fd: number;
  size: number;
  maxTimestamp: number;
}

interface BatchEntry {
  baseOffset: number;
  lastOffset: number;
  segment: Segment;
  position: number;
  size: number;
  maxTimestamp: number;
}

const SEGMENT_RE = /^(\d{20})\.log$/;

function segmentName(baseOffset: number): string {
  return `${String(baseOffset).padStart(20, '0')}.log`;
}

export class PartitionLog {
  private segments: Segment[] = [];
  private entries: BatchEntry[] = [];
  private unsynced = new Set<Segment>();
  readonly producers = new ProducerStateTable();
  logStartOffset = 0;
  nextOffset = 0;

  private constructor(
    readonly dir: string,
    private readonly opts: PartitionLogOptions,
  ) {}

  /** Opens (creating when absent) and recovers the log in `dir`. */
  static open(dir: string, opts: PartitionLogOptions, logger: LogLogger): PartitionLog {
    mkdirSync(dir, { recursive: true });
    const log = new PartitionLog(dir, opts);
    const names = readdirSync(dir)
      .filter((n) => SEGMENT_RE.test(n))
      .sort();
    let expected: number | null = null;
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      const path = join(dir, name);
      const base = Number(SEGMENT_RE.exec(name)?.[1]);
      if (expected !== null && base !== expected) {
        logger.warn(
          `${path}: starts at offset ${base} but the log ends at ${expected}; dropping it and later segments`,
        );
        for (const rest of names.slice(i)) unlinkSync(join(dir, rest));
        break;
      }
      const scan = scanSegment(path, base);
      const seg: Segment = {
        baseOffset: base,
        path,
        fd: openSync(path, 'a+'),
        size: scan.validBytes,
        maxTimestamp: -1,
      };
      log.segments.push(seg);
      for (const b of scan.batches) {
        const h = b.header;
        const entry: BatchEntry = {
          baseOffset: h.baseOffset,
          lastOffset: h.baseOffset + h.lastOffsetDelta,
          segment: seg,
          position: b.position,
          size: h.size,
          maxTimestamp: h.maxTimestamp,
        };
        log.entries.push(entry);
        seg.maxTimestamp = Math.max(seg.maxTimestamp, h.maxTimestamp);
        log.producers.record(h.producerId, h.producerEpoch, h.baseSequence, h.lastOffsetDelta, h.baseOffset);
      }
      expected = scan.batches.length ? (log.entries[log.entries.length - 1] as BatchEntry).lastOffset + 1 : base;
      if (scan.problem !== null) {
        logger.warn(`${path}: ${scan.problem}; cutting the log there, keeping ${scan.validBytes} bytes before it`);
        truncateFile(path, scan.validBytes);
        for (const rest of names.slice(i + 1)) unlinkSync(join(dir, rest));
        break;
      }
    }
    if (log.segments.length === 0) log.roll(0);
    log.logStartOffset = (log.segments[0] as Segment).baseOffset;
    log.nextOffset = expected ?? 0;
    return log;
  }

  private roll(baseOffset: number): Segment {
    const active = this.segments[this.segments.length - 1];
    if (active && this.unsynced.has(active)) {
      fsyncSync(active.fd);
      this.unsynced.delete(active);
    }
    const path = join(this.dir, segmentName(baseOffset));
    const seg: Segment = { baseOffset, path, fd: openSync(path, 'a+'), size: 0, maxTimestamp: -1 };
    this.segments.push(seg);
    syncDir(this.dir);
    return seg;
  }

  get highWatermark(): number {
    return this.nextOffset;
  }

  get bytes(): number {
    return this.segments.reduce((n, s) => n + s.size, 0);
  }

  /** Appends one checked batch, giving it the next offsets. Returns its base offset. */
  append(batch: Buffer): number {
    let active = this.segments[this.segments.length - 1] as Segment;
    if (active.size > 0 && active.size + batch.length > this.opts.segmentBytes) {
      active = this.roll(this.nextOffset);
      this.applyRetention(Date.now());
    }
    const h = readBatchHeader(batch);
    const baseOffset = this.nextOffset;
    batch.writeBigInt64BE(BigInt(baseOffset), 0);
    try {
      let written = 0;
      while (written < batch.length) written += writeSync(active.fd, batch, written, batch.length - written);
    } catch (err) {
      // e.g. ENOSPC mid-batch: cut the partial bytes so later batches do not land behind a torn one
      try {
        ftruncateSync(active.fd, active.size);
      } catch {
        // recovery will cut it at the next start
      }
      throw err;
    }
    const entry: BatchEntry = {
      baseOffset,
      lastOffset: baseOffset + h.lastOffsetDelta,
      segment: active,
      position: active.size,
      size: batch.length,
      maxTimestamp: h.maxTimestamp,
    };
    this.entries.push(entry);
    active.size += batch.length;
    active.maxTimestamp = Math.max(active.maxTimestamp, h.maxTimestamp);
    this.nextOffset = entry.lastOffset + 1;
    this.producers.record(h.producerId, h.producerEpoch, h.baseSequence, h.lastOffsetDelta, baseOffset);
    this.unsynced.add(active);
    return baseOffset;
  }

  /** The files of every segment written since the last call: one fsync each covers all batches since. */
  takeUnsynced(): number[] {
    const fds = [...this.unsynced].map((s) => s.fd);
    this.unsynced.clear();
    return fds;
  }

  private indexOf(offset: number): number {
    let lo = 0;
    let hi = this.entries.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as BatchEntry).lastOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Whole batches starting with the one that holds `offset`, up to `maxBytes` (always at least one batch,
   * as Kafka does, so a consumer never stalls on a batch larger than its limit).
   */
  read(offset: number, maxBytes: number): Buffer[] {
    if (offset >= this.nextOffset || this.entries.length === 0) return [];
    const out: Buffer[] = [];
    let total = 0;
    for (let i = this.indexOf(offset); i < this.entries.length; i++) {
      const e = this.entries[i] as BatchEntry;
      if (total > 0 && total + e.size > maxBytes) break;
      const buf = Buffer.allocUnsafe(e.size);
      let got = 0;
      while (got < e.size) {
        const n = readSync(e.segment.fd, buf, got, e.size - got, e.position + got);
        if (n === 0) throw new Error(`${e.segment.path}: unexpected end of file at ${e.position + got}`);
        got += n;
      }
      out.push(buf);
      total += e.size;
      if (total >= maxBytes) break;
    }
    return out;
  }

  /** First offset whose batch has a max timestamp at or after `ts`, or null when none does. */
  batchAtTimestamp(ts: number): { baseOffset: number; lastOffset: number } | null {
    const e = this.entries.find((x) => x.maxTimestamp >= ts);
    return e ? { baseOffset: e.baseOffset, lastOffset: e.lastOffset } : null;
  }

  /** Deletes whole old segments past the size or age limit; the active segment always stays. */
  applyRetention(now: number): number {
    let removed = 0;
    while (this.segments.length > 1) {
      const oldest = this.segments[0] as Segment;
      const tooBig = this.opts.maxBytes !== undefined && this.bytes - oldest.size >= this.opts.maxBytes;
      const tooOld =
        this.opts.maxAgeMs !== undefined && oldest.maxTimestamp >= 0 && oldest.maxTimestamp < now - this.opts.maxAgeMs;
      if (!tooBig && !tooOld) break;
      this.segments.shift();
      this.unsynced.delete(oldest);
      closeSync(oldest.fd);
      unlinkSync(oldest.path);
      const keep = this.entries.findIndex((e) => e.segment !== oldest);
      this.entries = keep < 0 ? [] : this.entries.slice(keep);
      removed++;
    }
    this.logStartOffset = (this.segments[0] as Segment).baseOffset;
    return removed;
  }

  close(): void {
    for (const s of this.segments) {
      if (this.unsynced.has(s)) fsyncSync(s.fd);
      closeSync(s.fd);
    }
    this.unsynced.clear();
    this.segments = [];
    this.entries = [];
  }
}

export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some filesystems refuse fsync on directories; the file data itself is still synced
  }
}
