// KafkaInspector over the embedded broker running in this process: reads go straight to its log, the append feed
// drives the live tail, and produce goes through kafkajs like any other client (so the record is stored exactly
// as the services' records are, acks -1).
import { Kafka, logLevel, type Producer } from 'kafkajs';
import type { Broker } from '../../../infra/kafka-broker';
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

type StoredRecord = Awaited<ReturnType<Broker['readRecords']>>[number];

function toBrokerRecord(record: StoredRecord): BrokerRecord {
  const headers: Record<string, Uint8Array> = {};
  for (const header of record.headers) if (header.value) headers[header.key] = header.value;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestampMs: record.timestamp,
    key: record.key,
    value: record.value,
    headers,
  };
}

const NOT_EMBEDDED = new UnavailableError(
  'the embedded Kafka broker is not running right now (it is starting, restarting or stopped); the Topics view comes back as soon as it answers',
);

export class BrokerInspector implements KafkaInspector {
  private producer: Promise<Producer> | null = null;

  constructor(private readonly broker: () => Broker | null) {}

  private running(): Broker {
    const broker = this.broker();
    if (!broker) throw NOT_EMBEDDED;
    return broker;
  }

  listTopics(): Promise<TopicInfo[]> {
    const broker = this.broker();
    if (!broker) return Promise.reject(NOT_EMBEDDED);
    return Promise.resolve(
      broker.listTopics().map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partition: p.partition,
          lowWatermark: p.logStartOffset,
          highWatermark: p.highWatermark,
        })),
      })),
    );
  }

  describeGroups(): Promise<GroupInfo[]> {
    const broker = this.broker();
    if (!broker) return Promise.reject(NOT_EMBEDDED);
    return Promise.resolve(
      broker
        .describeGroups()
        .map((g) => ({ groupId: g.groupId, state: g.state, members: g.members.length, partitions: g.offsets })),
    );
  }

  async readRecords(topic: string, partition: number, fromOffset: number, max: number): Promise<BrokerRecord[]> {
    const records = await this.running().readRecords(topic, partition, fromOffset, max);
    return records.filter((r) => r.decoded).map(toBrokerRecord);
  }

  async produce(request: ProduceRequest): Promise<{ partition: number; offset: number }> {
    const broker = this.running();
    this.producer ??= (async () => {
      const kafka = new Kafka({ clientId: 'gochat-console', brokers: [broker.address], logLevel: logLevel.NOTHING });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    })();
    let producer: Producer;
    try {
      producer = await this.producer;
    } catch (error) {
      this.producer = null;
      throw new UnavailableError(`cannot connect a producer to the broker at ${broker.address}`, { cause: error });
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

  /** Follows the broker across restarts: a new broker instance is subscribed to as soon as it is seen. */
  onAppend(listener: (appended: AppendedRecords) => void): Unsubscribe {
    let subscribed: Broker | null = null;
    let unsubscribe: () => void = () => undefined;
    const follow = (): void => {
      const broker = this.broker();
      if (broker === subscribed) return;
      unsubscribe();
      subscribed = broker;
      unsubscribe = broker
        ? broker.onAppendBatch((batch) => {
            let records: BrokerRecord[] | undefined;
            listener({
              topic: batch.topic,
              count: batch.count,
              records: () => (records ??= batch.records().flatMap((r) => (r.decoded ? [toBrokerRecord(r)] : []))),
            });
          })
        : () => undefined;
    };
    follow();
    const timer = setInterval(follow, 1000);
    timer.unref();
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    if (producer) await (await producer.catch(() => null))?.disconnect();
  }
}
