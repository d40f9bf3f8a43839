// The console's KafkaInspector for whichever Kafka the appliance runs on, decided on each call because the
// console may start before the infra does: the embedded broker is read in-process (BrokerInspector); any other
// Kafka (external via KAFKA_BROKERS, Redpanda containers) over the Kafka protocol (KafkaClientInspector).
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
import { BrokerInspector } from './broker-inspector';
import { KafkaClientInspector } from './kafka-client-inspector';

/** The part of the running infra this needs (infra/providers' RunningInfra has it). */
export interface KafkaOfInfra {
  kind: 'external' | 'containers' | 'embedded';
  kafkaBrokers?: string;
  embeddedBroker?: Broker;
}

const FOLLOW_MS = 1000;

export class ApplianceKafkaInspector implements KafkaInspector {
  private readonly embedded: BrokerInspector;
  private client: KafkaClientInspector | null = null;

  constructor(private readonly infra: () => KafkaOfInfra | undefined) {
    this.embedded = new BrokerInspector(() => this.infra()?.embeddedBroker ?? null);
  }

  /** The embedded broker while it is (or is meant to be) there; otherwise a client of the infra's brokers. */
  private current(): KafkaInspector {
    const infra = this.infra();
    if (!infra || infra.embeddedBroker || infra.kind === 'embedded' || !infra.kafkaBrokers) return this.embedded;
    if (!this.client || this.client.brokers !== infra.kafkaBrokers) {
      const old = this.client;
      this.client = new KafkaClientInspector(infra.kafkaBrokers);
      if (old) void old.close().catch(() => undefined);
    }
    return this.client;
  }

  private pick(): KafkaInspector {
    try {
      return this.current();
    } catch (error) {
      throw new UnavailableError('the appliance names no usable Kafka brokers', { cause: error });
    }
  }

  listTopics(): Promise<TopicInfo[]> {
    return Promise.resolve().then(() => this.pick().listTopics());
  }

  describeGroups(): Promise<GroupInfo[]> {
    return Promise.resolve().then(() => this.pick().describeGroups());
  }

  readRecords(topic: string, partition: number, fromOffset: number, max: number): Promise<BrokerRecord[]> {
    return Promise.resolve().then(() => this.pick().readRecords(topic, partition, fromOffset, max));
  }

  produce(request: ProduceRequest): Promise<{ partition: number; offset: number }> {
    return Promise.resolve().then(() => this.pick().produce(request));
  }

  /** Follows the infra as it comes up or changes: the feed moves to whichever inspector applies. */
  onAppend(listener: (appended: AppendedRecords) => void): Unsubscribe {
    let following: KafkaInspector | null = null;
    let unsubscribe: Unsubscribe = () => undefined;
    const follow = (): void => {
      let inspector: KafkaInspector | null;
      try {
        inspector = this.current();
      } catch {
        inspector = null;
      }
      if (inspector === following) return;
      unsubscribe();
      following = inspector;
      unsubscribe = inspector ? inspector.onAppend(listener) : () => undefined;
    };
    follow();
    const timer = setInterval(follow, FOLLOW_MS);
    timer.unref();
    return () => {
      clearInterval(timer);
      unsubscribe();
    };
  }

  async close(): Promise<void> {
    await this.embedded.close();
    const client = this.client;
    this.client = null;
    await client?.close();
  }
}
