// Committed consumer-group offsets, kept as a CRC-framed append log `<dataDir>/groups/offsets.log`:
// each frame is [int32 length][uint32 crc32c][JSON]. A torn or corrupt tail (crash mid-write) is cut on load;
// the file is rewritten as a snapshot (temp -> fsync -> rename) at open/close once it has grown large.
import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  existsSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32c } from '../../../lib/crc32c';
import { syncDir, type LogLogger } from '../log/partition-log';
import { truncateFile } from '../log/recovery';
import { DiskSync, FsyncBatcher } from '../log/fsync-batcher';

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
  commitTimestamp: number;
}

type OffsetRow = [group: string, topic: string, partition: number, offset: number, metadata: string | null, ts: number];
type Frame =
  | { commit: OffsetRow[] }
  | { deleteGroup: string }
  | { deleteTopic: string }
  | { forget: Array<[group: string, topic: string, partition: number]> };

const COMPACT_AFTER_BYTES = 8 << 20;

export class OffsetStore {
  /** group -> "topic\0partition" -> offset */
  private readonly groups = new Map<string, Map<string, CommittedOffset>>();
  private fd = -1;
  private fileBytes = 0;
  private readonly path: string;
  private readonly disk = new DiskSync();
  private readonly flusher = new FsyncBatcher(() => this.disk.sync([this.fd]));

  constructor(
    private readonly dir: string,
    private readonly logger: LogLogger,
  ) {
    this.path = join(dir, 'offsets.log');
  }

  open(): void {
    mkdirSync(this.dir, { recursive: true });
    if (existsSync(this.path)) {
      const data = readFileSync(this.path);
      let pos = 0;
      while (pos + 8 <= data.length) {
        const len = data.readInt32BE(pos);
        if (len < 0 || pos + 8 + len > data.length) break;
        const body = data.subarray(pos + 8, pos + 8 + len);
        if (crc32c(body) !== data.readUInt32BE(pos + 4)) break;
        try {
          this.apply(JSON.parse(body.toString('utf8')) as Frame);
        } catch {
          break;
        }
        pos += 8 + len;
      }
      if (pos < data.length) {
        this.logger.warn(`${this.path}: torn or corrupt frame at byte ${pos}; keeping the ${pos} bytes before it`);
        truncateFile(this.path, pos);
      }
      this.fileBytes = pos;
    }
    this.fd = openSync(this.path, 'a');
    if (this.fileBytes > COMPACT_AFTER_BYTES) this.compact();
  }

  private apply(frame: Frame): void {
    if ('commit' in frame) {
      for (const [g, t, p, offset, metadata, ts] of frame.commit) {
        let m = this.groups.get(g);
        if (!m) this.groups.set(g, (m = new Map()));
        m.set(`${t}\0${p}`, { offset, metadata, commitTimestamp: ts });
      }
    } else if ('deleteGroup' in frame) {
      this.groups.delete(frame.deleteGroup);
    } else if ('forget' in frame) {
      for (const [g, t, p] of frame.forget) this.groups.get(g)?.delete(`${t}\0${p}`);
    } else {
      for (const m of this.groups.values()) {
        for (const key of m.keys()) if (key.startsWith(`${frame.deleteTopic}\0`)) m.delete(key);
      }
    }
  }

  private append(frame: Frame): void {
    const body = Buffer.from(JSON.stringify(frame));
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(body.length, 0);
    head.writeUInt32BE(crc32c(body), 4);
    const buf = Buffer.concat([head, body]);
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off);
    } catch (err) {
      // a partial frame would hide every later one from recovery: cut it off
      try {
        ftruncateSync(this.fd, this.fileBytes);
      } catch {
        // recovery cuts it at the next start
      }
      throw err;
    }
    this.fileBytes += buf.length;
    this.apply(frame);
  }

  /** Records the commits and resolves once they are on disk. */
  async commit(
    group: string,
    rows: Array<{ topic: string; partition: number; offset: number; metadata: string | null }>,
  ): Promise<void> {
    const ts = Date.now();
    this.append({ commit: rows.map((r) => [group, r.topic, r.partition, r.offset, r.metadata, ts]) });
    await this.flusher.wait();
  }

  deleteGroup(group: string): void {
    this.append({ deleteGroup: group });
    fsyncSync(this.fd);
  }

  deleteTopic(topic: string): void {
    this.append({ deleteTopic: topic });
    fsyncSync(this.fd);
  }

  /**
   * Forgets (durably) every committed offset beyond its partition's end. After recovery cut a torn tail, such an
   * offset points into records that are gone, and the offsets there will be given to new records: a group
   * resuming from it would skip them. Forgotten, it reads as "no committed offset" (-1), the group's consumers
   * reset by their own policy (auto.offset.reset / fromBeginning), as Kafka's consumers do after
   * OFFSET_OUT_OF_RANGE. `endOf` gives a partition's end, or undefined for a partition that is not known.
   */
  forgetBeyond(
    endOf: (topic: string, partition: number) => number | undefined,
  ): Array<{ group: string; topic: string; partition: number; offset: number; end: number }> {
    const gone: Array<{ group: string; topic: string; partition: number; offset: number; end: number }> = [];
    for (const group of this.groups.keys()) {
      for (const e of this.entries(group)) {
        const end = endOf(e.topic, e.partition);
        if (end !== undefined && e.offset > end) gone.push({ group, ...e, end });
      }
    }
    if (gone.length > 0) {
      this.append({ forget: gone.map((g) => [g.group, g.topic, g.partition]) });
      fsyncSync(this.fd);
    }
    return gone;
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(`${topic}\0${partition}`);
  }

  /** Every committed partition of a group. */
  entries(group: string): Array<{ topic: string; partition: number } & CommittedOffset> {
    const m = this.groups.get(group);
    if (!m) return [];
    return [...m].map(([key, c]) => {
      const [topic = '', p = '0'] = key.split('\0');
      return { topic, partition: Number(p), ...c };
    });
  }

  groupIds(): string[] {
    return [...this.groups.keys()].filter((g) => (this.groups.get(g)?.size ?? 0) > 0);
  }

  private compact(): void {
    const rows: OffsetRow[] = [];
    for (const [g, m] of this.groups) {
      for (const [key, c] of m) {
        const [t = '', p = '0'] = key.split('\0');
        rows.push([g, t, Number(p), c.offset, c.metadata, c.commitTimestamp]);
      }
    }
    const body = Buffer.from(JSON.stringify({ commit: rows } satisfies Frame));
    const head = Buffer.allocUnsafe(8);
    head.writeInt32BE(body.length, 0);
    head.writeUInt32BE(crc32c(body), 4);
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    writeSync(fd, Buffer.concat([head, body]));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.path);
    syncDir(this.dir);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a');
    this.fileBytes = body.length + 8;
  }

  close(): void {
    if (this.fd >= 0) {
      fsyncSync(this.fd);
      if (this.fileBytes > COMPACT_AFTER_BYTES) this.compact();
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
