// Reads records of one partition from an offset over the Kafka protocol. kafkajs has no group-less consumer (no
// assign()) and keeps its raw Fetch API private, so this keeps ONE consumer in the console's own group
// ("gochat-console-browse-<pid>-<n>") that never commits: autoCommit is off, which also makes kafkajs' seek move
// only the fetch position instead of committing it, and nothing calls commitOffsets. Its partitions stay paused;
// a read seeks one partition, resumes it until the records are in, and pauses it again. Keeping it alive matters:
// a fresh group costs a join with the broker's initial rebalance delay (3 s on Kafka and Redpanda) per read, and
// the records browser reads many times per page. The consumer is rebuilt (one join) when a read needs a topic it
// does not follow yet, and is disconnected and its group deleted after a minute without reads and on close.
// Any record with the asked offset is the same record, so batches fetched before a seek or pause took effect are
// harmless: only offsets in the asked range, in order, are taken.
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { BrokerRecord } from '../ports';
import { CONSOLE_GROUP_PREFIX, nextConsoleGroupSuffix, toBrokerRecord } from './kafka-records';

const READ_TIMEOUT_MS = 10_000;
const IDLE_MS = 60_000;

interface PendingRead {
  topic: string;
  partition: number;
  start: number;
  end: number;
  records: BrokerRecord[];
  done: () => void;
}

export class KafkaBrowseReader {
  private readonly groupId = `${CONSOLE_GROUP_PREFIX}browse-${nextConsoleGroupSuffix()}`;
  private consumer: Consumer | null = null;
  private topics: string[] = [];
  private pending: PendingRead | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private idle: NodeJS.Timeout | null = null;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: () => Promise<Admin>,
  ) {}

  /** Records start..end-1 of the partition (the caller has clipped the range to the watermarks). */
  read(topic: string, partition: number, start: number, end: number): Promise<BrokerRecord[]> {
    const read = this.queue.then(() => this.readNow(topic, partition, start, end));
    this.queue = read.catch(() => undefined);
    return read;
  }

  private async readNow(topic: string, partition: number, start: number, end: number): Promise<BrokerRecord[]> {
    if (this.idle) clearTimeout(this.idle);
    const consumer = await this.following(topic);
    const records: BrokerRecord[] = [];
    try {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, READ_TIMEOUT_MS); // a gap (compaction, aborted batches) ends the read
        this.pending = {
          topic,
          partition,
          start,
          end,
          records,
          done: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        consumer.seek({ topic, partition, offset: String(start) });
        consumer.resume([{ topic, partitions: [partition] }]);
      });
    } finally {
      this.pending = null;
      consumer.pause([{ topic, partitions: [partition] }]);
      this.idle = setTimeout(() => void this.queueDisconnect(), IDLE_MS);
      this.idle.unref();
    }
    return records;
  }

  private async following(topic: string): Promise<Consumer> {
    if (this.consumer && this.topics.includes(topic)) return this.consumer;
    await this.disconnect();
    const topics = [...this.topics.filter((t) => t !== topic), topic];
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: () => Promise.resolve(false) },
      maxWaitTimeInMs: 100,
    });
    this.consumer = consumer;
    // kafkajs would restart a crashed consumer by itself, but from the newest offsets (nothing is committed), so
    // records appended meanwhile would be skipped; instead it is dropped and the next read builds a new one.
    consumer.on(consumer.events.CRASH, () => {
      if (this.consumer !== consumer) return;
      this.consumer = null;
      void consumer.disconnect().catch(() => undefined);
    });
    this.topics = topics;
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning: true });
      await consumer.run({ autoCommit: false, eachBatch: ({ batch }) => Promise.resolve(this.take(batch)) });
      consumer.pause(topics.map((t) => ({ topic: t })));
    } catch (error) {
      this.topics = [];
      await this.disconnect();
      throw error;
    }
    return consumer;
  }

  private take(batch: {
    topic: string;
    partition: number;
    messages: Parameters<typeof toBrokerRecord>[2][];
    lastOffset(): string;
  }): void {
    const read = this.pending;
    if (!read || read.topic !== batch.topic || read.partition !== batch.partition) return;
    const nextAtStart = (read.records.at(-1)?.offset ?? read.start - 1) + 1;
    const first = batch.messages[0];
    for (const message of batch.messages) {
      const offset = Number(message.offset);
      const next = (read.records.at(-1)?.offset ?? read.start - 1) + 1;
      if (offset < next) continue;
      if (offset >= read.end) break;
      read.records.push(toBrokerRecord(batch.topic, batch.partition, message));
    }
    const last = read.records.at(-1)?.offset ?? -1;
    // A batch that began at or before the wanted offset and reaches the end covers the range even across gaps.
    const covered =
      first !== undefined && Number(first.offset) <= nextAtStart && Number(batch.lastOffset()) + 1 >= read.end;
    if (last + 1 >= read.end || covered) read.done();
  }

  private queueDisconnect(): Promise<void> {
    const step = this.queue.then(() => this.disconnect());
    this.queue = step.catch(() => undefined);
    return step;
  }

  private async disconnect(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    if (!consumer) return;
    await consumer.disconnect().catch(() => undefined);
    const admin = await this.admin().catch(() => null);
    await admin?.deleteGroups([this.groupId]).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
    await this.queueDisconnect();
  }
}
