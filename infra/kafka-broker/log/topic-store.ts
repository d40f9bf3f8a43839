// All topics' logs under `<dataDir>/topics/<topic>/<partition>/`, the topic list in `<dataDir>/meta.json`,
// group commit of fsyncs for acks=-1, and time/size retention.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CorruptMetadataError, readJsonIfPresent, writeJsonDurably } from './durable-json';
import { DiskSync, FsyncBatcher } from './fsync-batcher';
import { PartitionLog, type LogLogger } from './partition-log';

export interface RetentionOptions {
  maxBytesPerPartition?: number;
  maxAgeMs?: number;
}

export interface TopicStoreOptions {
  dataDir: string;
  segmentBytes: number;
  retention: RetentionOptions;
  logger: LogLogger;
}

interface MetaFile {
  topics: Record<string, { partitions: number }>;
  nextProducerId: number;
}

const TOPIC_NAME_RE = /^[a-zA-Z0-9._-]{1,249}$/;

export function topicNameProblem(name: string): string | null {
  if (!TOPIC_NAME_RE.test(name)) return `topic name "${name}" must be 1-249 characters of [a-zA-Z0-9._-]`;
  if (name === '.' || name === '..') return `topic name "${name}" is reserved`;
  return null;
}

export class TopicStore {
  readonly topics = new Map<string, PartitionLog[]>();
  private nextProducerId = 1000;
  private dirtyLogs = new Set<PartitionLog>();
  private readonly disk = new DiskSync();
  private readonly flusher = new FsyncBatcher(() => {
    const fds = [...this.dirtyLogs].flatMap((l) => l.takeUnsynced());
    this.dirtyLogs.clear();
    return this.disk.sync(fds);
  });
  private readonly metaPath: string;
  private readonly topicsDir: string;

  constructor(private readonly opts: TopicStoreOptions) {
    this.metaPath = join(opts.dataDir, 'meta.json');
    this.topicsDir = join(opts.dataDir, 'topics');
  }

  open(): void {
    mkdirSync(this.topicsDir, { recursive: true });
    const meta = (readJsonIfPresent(this.metaPath) as MetaFile | undefined) ?? this.adoptTopicDirs();
    if (meta !== undefined && (typeof meta !== 'object' || meta === null || typeof meta.topics !== 'object')) {
      throw new CorruptMetadataError(this.metaPath, new Error('no "topics" object'));
    }
    if (meta && Number.isSafeInteger(meta.nextProducerId)) this.nextProducerId = meta.nextProducerId;
    for (const [name, t] of Object.entries(meta?.topics ?? {})) {
      if (topicNameProblem(name) !== null || !Number.isInteger(t?.partitions) || t.partitions < 1) {
        throw new CorruptMetadataError(this.metaPath, new Error(`bad entry for topic ${JSON.stringify(name)}`));
      }
      const logs: PartitionLog[] = [];
      for (let p = 0; p < t.partitions; p++) logs.push(this.openLog(name, p));
      this.topics.set(name, logs);
      for (const log of logs) this.nextProducerId = Math.max(this.nextProducerId, log.producers.maxProducerId() + 1);
    }
    // a directory without a meta entry is a topic whose creation or deletion was interrupted
    for (const dir of readdirSync(this.topicsDir)) {
      if (!this.topics.has(dir)) rmSync(join(this.topicsDir, dir), { recursive: true, force: true });
    }
    this.saveMeta();
  }

  /**
   * meta.json missing next to topic directories (deleted by hand): rebuild it from the directories rather than
   * treat every topic as half-deleted. Undefined when there is nothing to adopt (a fresh data dir).
   */
  private adoptTopicDirs(): MetaFile | undefined {
    const topics: MetaFile['topics'] = {};
    for (const name of readdirSync(this.topicsDir)) {
      const parts = readdirSync(join(this.topicsDir, name)).filter((p) => /^\d+$/.test(p)).length;
      if (topicNameProblem(name) === null && parts > 0) topics[name] = { partitions: parts };
    }
    if (Object.keys(topics).length === 0) return undefined;
    this.opts.logger.warn(
      `${this.metaPath} is missing; rebuilt it from the topic directories: ${Object.keys(topics).join(', ')}`,
    );
    return { topics, nextProducerId: this.nextProducerId };
  }

  private openLog(topic: string, partition: number): PartitionLog {
    const r = this.opts.retention;
    return PartitionLog.open(
      join(this.topicsDir, topic, String(partition)),
      { segmentBytes: this.opts.segmentBytes, maxBytes: r.maxBytesPerPartition, maxAgeMs: r.maxAgeMs },
      this.opts.logger,
    );
  }

  private saveMeta(): void {
    const topics: MetaFile['topics'] = {};
    for (const [name, logs] of this.topics) topics[name] = { partitions: logs.length };
    writeJsonDurably(this.metaPath, { topics, nextProducerId: this.nextProducerId } satisfies MetaFile);
  }

  get retention(): RetentionOptions {
    return this.opts.retention;
  }

  get segmentBytes(): number {
    return this.opts.segmentBytes;
  }

  log(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.[partition];
  }

  createTopic(name: string, partitions: number): void {
    const problem = topicNameProblem(name);
    if (problem !== null) throw new Error(problem);
    if (this.topics.has(name)) return;
    const dir = join(this.topicsDir, name);
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
    const logs: PartitionLog[] = [];
    for (let p = 0; p < partitions; p++) logs.push(this.openLog(name, p));
    this.topics.set(name, logs);
    this.saveMeta();
  }

  /** Grows a topic to `partitions` (CreatePartitions); existing partitions and their data stay as they are. */
  addPartitions(name: string, partitions: number): void {
    const logs = this.topics.get(name);
    if (!logs) throw new Error(`unknown topic ${name}`);
    for (let p = logs.length; p < partitions; p++) logs.push(this.openLog(name, p));
    this.saveMeta();
  }

  deleteTopic(name: string): boolean {
    const logs = this.topics.get(name);
    if (!logs) return false;
    this.topics.delete(name);
    this.saveMeta();
    for (const log of logs) {
      this.dirtyLogs.delete(log);
      log.close();
    }
    rmSync(join(this.topicsDir, name), { recursive: true, force: true });
    return true;
  }

  allocateProducerId(): number {
    const id = this.nextProducerId++;
    this.saveMeta();
    return id;
  }

  /** Resolves once everything appended to `log` so far is on disk; concurrent callers share fsyncs. */
  waitDurable(log: PartitionLog): Promise<void> {
    this.dirtyLogs.add(log);
    return this.flusher.wait();
  }

  applyRetention(now = Date.now()): void {
    for (const logs of this.topics.values()) for (const log of logs) log.applyRetention(now);
  }

  close(): void {
    for (const logs of this.topics.values()) for (const log of logs) log.close();
    this.topics.clear();
  }
}
