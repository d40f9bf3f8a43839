// The live append feed over the Kafka protocol: one long-lived consumer in the console's own group
// ("gochat-console-tail-<pid>-<n>") that never commits, reads every non-internal topic from the newest offset on, and
// hands each record to the listeners in the shape BrokerInspector emits. kafkajs cannot add topics to a running
// consumer, so when a topic appears the consumer is rebuilt and seeks every partition to where it had got to
// (a new topic from its start), so no record is skipped across the rebuild. It runs only while someone listens.
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { AppendedRecords, BrokerRecord, Unsubscribe } from '../ports';
import { CONSOLE_GROUP_PREFIX, isInternalTopic, nextConsoleGroupSuffix, toBrokerRecord } from './kafka-records';

const TOPIC_CHECK_MS = 2000;

type Listener = (appended: AppendedRecords) => void;

export class KafkaAppendFeed {
  private readonly listeners = new Set<Listener>();
  private readonly groupId = `${CONSOLE_GROUP_PREFIX}tail-${nextConsoleGroupSuffix()}`;
  private consumer: Consumer | null = null;
  private topics: string[] = [];
  /** Topics that existed when the feed first looked (null: not looked yet); any other topic is read from its start. */
  private existingAtStart: Set<string> | null = null;
  /** Next offset to hand out, per "topic/partition", so a rebuilt consumer resumes where the last one was. */
  private readonly next = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly admin: () => Promise<Admin>,
  ) {}

  subscribe(listener: Listener): Unsubscribe {
    this.listeners.add(listener);
    if (!this.timer && !this.closed) {
      this.timer = setInterval(() => this.check(), TOPIC_CHECK_MS);
      this.timer.unref();
      this.check();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) void this.stop().catch(() => undefined);
    };
  }

  /** Resolves once the subscription covering every topic seen so far is running. */
  ready(): Promise<void> {
    return this.checking;
  }

  private check(): void {
    // Failures (Kafka down) are retried on the next tick; the feed just stays quiet meanwhile.
    this.checking = this.checking.then(() => this.follow()).catch(() => undefined);
  }

  private async follow(): Promise<void> {
    if (this.closed || this.listeners.size === 0) return;
    const admin = await this.admin();
    const { topics } = await admin.fetchTopicMetadata();
    const names = topics
      .map((t) => t.name)
      .filter((name) => !isInternalTopic(name))
      .sort();
    this.existingAtStart ??= new Set(names);
    if (this.consumer && names.join('\n') === this.topics.join('\n')) return;
    if (names.length === 0) return;
    const existing = this.existingAtStart;
    await this.disconnect();
    // Where each partition resumes: already-followed partitions where the feed got to; topics that existed when
    // the feed started from the newest offset; topics that appeared since from their low watermark.
    const seeks: { topic: string; partition: number; offset: string }[] = [];
    for (const topic of names) {
      for (const o of await admin.fetchTopicOffsets(topic)) {
        const key = `${topic}/${o.partition}`;
        const resume = this.next.get(key) ?? (existing.has(topic) ? Number(o.high) : Number(o.low));
        this.next.set(key, resume);
        seeks.push({ topic, partition: o.partition, offset: String(resume) });
      }
    }
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      retry: { restartOnFailure: () => Promise.resolve(false) },
      maxWaitTimeInMs: 200,
    });
    this.consumer = consumer;
    // kafkajs would restart a crashed consumer by itself, but from the newest offsets (nothing is committed), so
    // records appended meanwhile would be skipped; instead it is dropped and the next topic check builds a new
    // one that resumes where this one got to.
    consumer.on(consumer.events.CRASH, () => {
      if (this.consumer !== consumer) return;
      this.consumer = null;
      void consumer.disconnect().catch(() => undefined);
    });
    this.topics = names;
    await consumer.connect();
    await consumer.subscribe({ topics: names, fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const key = `${batch.topic}/${batch.partition}`;
        const records: BrokerRecord[] = [];
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset < (this.next.get(key) ?? 0)) continue;
          this.next.set(key, offset + 1);
          records.push(toBrokerRecord(batch.topic, batch.partition, message));
        }
        if (records.length === 0) return;
        const appended: AppendedRecords = { topic: batch.topic, count: records.length, records: () => records };
        for (const listener of this.listeners) {
          try {
            listener(appended);
          } catch {
            // a listener's failure must not make kafkajs redeliver the batch to everyone
          }
        }
        await Promise.resolve();
      },
    });
    for (const seek of seeks) consumer.seek(seek);
  }

  private async disconnect(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = null;
    if (!consumer) return;
    await consumer.disconnect().catch(() => undefined);
    const admin = await this.admin().catch(() => null);
    await admin?.deleteGroups([this.groupId]).catch(() => undefined);
  }

  private async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.checking = this.checking.then(() => this.disconnect());
    await this.checking;
    this.topics = [];
    this.existingAtStart = null;
    this.next.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }
}
