// KafkaInspector over the Kafka protocol only, for when the appliance runs on Kafka it does not host (external
// Kafka from KAFKA_BROKERS, or Redpanda containers): it works against any Kafka, ours included, through kafkajs.
// Reading a partition is kafka-browse-reader.ts, the live feed kafka-append-feed.ts (both in groups named
// gochat-console-*, never committing, hidden from describeGroups and deleted on close).
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { UnavailableError } from '../http/errors';
import type {
  AppendedRecords,
  BrokerRecord,
  GroupInfo,
  KafkaInspector,
  ProduceRequest,
  TopicInfo,
  Unsubscribe,
} from '../ports';
import { KafkaAppendFeed } from './kafka-append-feed';
import { KafkaBrowseReader } from './kafka-browse-reader';
import { CONSOLE_GROUP_PREFIX, isInternalTopic } from './kafka-records';

export class KafkaClientInspector implements KafkaInspector {
  private readonly kafka: Kafka;
  private admin: Promise<Admin> | null = null;
  private producer: Promise<Producer> | null = null;
  private readonly feed: KafkaAppendFeed;
  private readonly browser: KafkaBrowseReader;

  /** brokers: "host:port,host:port", as KAFKA_BROKERS gives them. */
  constructor(readonly brokers: string) {
    const list = brokers
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    if (list.length === 0) throw new Error(`kafkaBrokers must list host:port addresses, got "${brokers}"`);
    this.kafka = new Kafka({
      clientId: 'gochat-console',
      brokers: list,
      logLevel: logLevel.NOTHING,
      retry: { retries: 2 },
    });
    this.feed = new KafkaAppendFeed(this.kafka, () => this.connectedAdmin());
    this.browser = new KafkaBrowseReader(this.kafka, () => this.connectedAdmin());
  }

  private unavailable(what: string, error: unknown): UnavailableError {
    const detail = error instanceof Error ? error.message : String(error);
    return new UnavailableError(`cannot ${what} at Kafka ${this.brokers}: ${detail}`, { cause: error });
  }

  private async connectedAdmin(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })();
    try {
      return await this.admin;
    } catch (error) {
      this.admin = null;
      throw this.unavailable('connect an admin client', error);
    }
  }

  async listTopics(): Promise<TopicInfo[]> {
    const admin = await this.connectedAdmin();
    try {
      const { topics } = await admin.fetchTopicMetadata();
      const visible = topics.filter((t) => !isInternalTopic(t.name)).sort((a, b) => a.name.localeCompare(b.name));
      return await Promise.all(
        visible.map(async (topic) => {
          const offsets = await admin.fetchTopicOffsets(topic.name);
          return {
            name: topic.name,
            partitions: offsets
              .map((o) => ({ partition: o.partition, lowWatermark: Number(o.low), highWatermark: Number(o.high) }))
              .sort((a, b) => a.partition - b.partition),
          };
        }),
      );
    } catch (error) {
      throw this.unavailable('list topics', error);
    }
  }

  async describeGroups(): Promise<GroupInfo[]> {
    const admin = await this.connectedAdmin();
    try {
      const { groups: listed } = await admin.listGroups();
      const ids = listed.map((g) => g.groupId).filter((id) => !id.startsWith(CONSOLE_GROUP_PREFIX));
      if (ids.length === 0) return [];
      const { groups } = await admin.describeGroups(ids);
      const highWatermarks = new Map<string, Map<number, number>>();
      const highWatermarkOf = async (topic: string, partition: number): Promise<number> => {
        let byPartition = highWatermarks.get(topic);
        if (!byPartition) {
          const offsets = await admin.fetchTopicOffsets(topic);
          byPartition = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
          highWatermarks.set(topic, byPartition);
        }
        return byPartition.get(partition) ?? 0;
      };
      const result: GroupInfo[] = [];
      for (const group of groups.sort((a, b) => a.groupId.localeCompare(b.groupId))) {
        const committed = await admin.fetchOffsets({ groupId: group.groupId });
        const partitions: GroupInfo['partitions'] = [];
        for (const { topic, partitions: entries } of committed) {
          for (const entry of entries) {
            const committedOffset = Number(entry.offset);
            if (committedOffset < 0) continue; // nothing committed for this partition
            const highWatermark = await highWatermarkOf(topic, entry.partition);
            const lag = Math.max(0, highWatermark - committedOffset);
            partitions.push({ topic, partition: entry.partition, committedOffset, highWatermark, lag });
          }
        }
        partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
        result.push({ groupId: group.groupId, state: group.state, members: group.members.length, partitions });
      }
      return result;
    } catch (error) {
      throw this.unavailable('describe consumer groups', error);
    }
  }

  async readRecords(topic: string, partition: number, fromOffset: number, max: number): Promise<BrokerRecord[]> {
    const admin = await this.connectedAdmin();
    let offsets;
    try {
      offsets = await admin.fetchTopicOffsets(topic);
    } catch (error) {
      throw this.unavailable(`read the offsets of topic "${topic}"`, error);
    }
    const bounds = offsets.find((o) => o.partition === partition);
    if (!bounds) return [];
    const start = Math.max(fromOffset, Number(bounds.low));
    const end = Math.min(Number(bounds.high), start + max);
    if (max <= 0 || start >= end) return [];
    try {
      return await this.browser.read(topic, partition, start, end);
    } catch (error) {
      throw this.unavailable(`read ${topic}/${partition} from offset ${start}`, error);
    }
  }

  async produce(request: ProduceRequest): Promise<{ partition: number; offset: number }> {
    this.producer ??= (async () => {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })();
    let producer: Producer;
    try {
      producer = await this.producer;
    } catch (error) {
      this.producer = null;
      throw this.unavailable('connect a producer', error);
    }
    const headers: Record<string, Buffer> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name] = Buffer.from(value);
    const [result] = await producer.send({
      topic: request.topic,
      acks: -1,
      messages: [
        {
          key: request.key ? Buffer.from(request.key) : null,
          value: request.value ? Buffer.from(request.value) : null,
          headers,
          ...(request.partition !== undefined ? { partition: request.partition } : {}),
        },
      ],
    });
    return { partition: result?.partition ?? request.partition ?? 0, offset: Number(result?.baseOffset ?? -1) };
  }

  onAppend(listener: (appended: AppendedRecords) => void): Unsubscribe {
    return this.feed.subscribe(listener);
  }

  /** Resolves once the append feed follows every topic seen so far (records appended after it are reported). */
  appendFeedReady(): Promise<void> {
    return this.feed.ready();
  }

  async close(): Promise<void> {
    await this.feed.close();
    await this.browser.close();
    const producer = this.producer;
    const admin = this.admin;
    this.producer = null;
    this.admin = null;
    if (producer) await (await producer.catch(() => null))?.disconnect();
    if (admin) await (await admin.catch(() => null))?.disconnect();
  }
}
