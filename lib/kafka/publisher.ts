// Publishing domain events: fills EventMeta and the record headers of the conventions, waits for acks from all
// in-sync replicas (acks -1), and uses an idempotent producer where the broker supports it so retries never
// duplicate a record.
import { randomUUID } from 'node:crypto';
import {
  CompressionTypes,
  Partitioners,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type Producer,
} from 'kafkajs';
import type { EventMeta } from '../../proto/gen/gochat/common/v1/common';
import type { Logger } from '../log';
import { endFailed, SpanKind, startSpan, traceparentOf } from '../telemetry';
import { isValidTraceparent } from '../trace';
import { contentTypeOf, EVENT_REGISTRY, type EventCodec, type EventMessages, type EventType } from './registry';
import { ensureTopics } from './admin';
import { Headers, isTopicName } from './topics';

export interface EventPublisherOptions {
  kafka: Kafka;
  /** Service instance that publishes, written to EventMeta.producer, e.g. "im-gateway/gw-1". */
  producer: string;
  logger: Logger;
  /** Try an idempotent producer first (default true); falls back to a plain one when the broker refuses. */
  idempotent?: boolean;
}

export interface PublishOptions {
  /**
   * Trace context of the work that caused this event, when it is not the active span; a new trace when there is
   * neither.
   */
  traceparent?: string;
  /** Fixed event id (e.g. derived from a natural key, to make a retried publish recognisable). */
  eventId?: string;
  occurredAtMs?: number;
}

export interface PublishedEvent {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
  traceparent: string;
}

/** The message of an event type without its meta, which the publisher fills in. */
export type EventBody<K extends EventType> = Omit<EventMessages[K], 'meta'>;

interface AdmittedRecord {
  topic: string;
  record: Message;
  resolve(result: { partition: number; offset: string }): void;
  reject(err: unknown): void;
}

interface QueuedRecord {
  topic: string;
  message: Message & { partition: number };
  resolve(result: { partition: number; offset: string }): void;
  reject(err: unknown): void;
}

/** Most records sent in one request when publishes pile up behind a request in flight. */
const MAX_RECORDS_PER_REQUEST = 500;
/** Keys whose partition is remembered (a topic's partition count is fetched once, so it cannot go stale). */
const PARTITION_CACHE_SIZE = 50_000;

export class EventPublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  // Publishes made while a request is in flight go out together in the next one: an idempotent producer allows
  // one request in flight, so without this, concurrent publishers would each wait a full broker round trip.
  private queue: QueuedRecord[] = [];
  private draining: Promise<void> | undefined;
  // Publishes wait here, in call order, until they can be given a partition and queued.
  private admitting: AdmittedRecord[] = [];
  private admitLoop: Promise<void> | undefined;
  private readonly partitionMetadata = new Map<string, PartitionMetadata[]>();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  // A key's partition, by topic and key: murmur2 over the key was a few percent of a busy publisher's CPU, and the
  // keys (conversation and user ids) repeat. Cleared when full, so it stays bounded.
  private readonly partitionOfKey = new Map<string, number>();

  constructor(private readonly options: EventPublisherOptions) {}

  /** Connects now (optional: publish connects on first use). */
  async connect(): Promise<void> {
    await this.ready();
  }

  private ready(): Promise<Producer> {
    if (this.producer) return Promise.resolve(this.producer);
    this.connecting ??= this.open().then(
      (producer) => {
        this.producer = producer;
        return producer;
      },
      (err: unknown) => {
        this.connecting = undefined;
        throw err;
      },
    );
    return this.connecting;
  }

  private async open(): Promise<Producer> {
    const { kafka, logger } = this.options;
    if (this.options.idempotent ?? true) {
      // Bounded retries: an unbounded idempotent producer would hang a publish forever while the broker is down.
      const idempotent = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        // at most 2 s between attempts: a broker back from a restart is used at once
        retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 2000 },
      });
      try {
        await idempotent.connect();
        return idempotent;
      } catch (err) {
        logger.warn({ err }, 'broker refused an idempotent producer; publishing without idempotence');
        await idempotent.disconnect().catch(() => undefined);
      }
    }
    const plain = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await plain.connect();
    return plain;
  }

  /**
   * Publishes one event on its topic with the given key and resolves once the broker has stored it. Records enter
   * the outgoing queue in the order publish was called (also while the producer is still connecting), so two
   * publishes made one after another with the same key are stored in that order when both succeed.
   */
  publish<K extends EventType>(
    type: K,
    key: string,
    body: EventBody<K> | EventMessages[K],
    options: PublishOptions = {},
  ): Promise<PublishedEvent> {
    const descriptor = EVENT_REGISTRY[type] as (typeof EVENT_REGISTRY)[K] | undefined;
    if (!descriptor) return Promise.reject(new Error(`publish: unknown event type "${String(type)}"`));
    if (key === '') return Promise.reject(new Error(`publish ${type}: the record key must not be empty`));
    // The record's own span: the traceparent header names it, so a consumer's span is its child.
    const span = startSpan(`produce ${descriptor.topic}`, {
      kind: SpanKind.PRODUCER,
      parent: options.traceparent && isValidTraceparent(options.traceparent) ? options.traceparent : undefined,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.destination.name': descriptor.topic,
        'messaging.kafka.message.key': key,
        'gochat.event_type': type,
      },
    });
    const traceparent = traceparentOf(span);
    const meta: EventMeta = {
      eventId: options.eventId ?? randomUUID(),
      eventType: type,
      occurredAtMs: options.occurredAtMs ?? Date.now(),
      producer: this.options.producer,
      trace: { traceparent, tracestate: '' },
    };
    const codec = descriptor.codec as EventCodec<EventMessages[K]>;
    const encoded = codec.encode(codec.fromPartial({ ...body, meta }));
    // A view of the encoded bytes, not a copy: nothing else holds them.
    const value = Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    const record: Message = {
      key,
      value,
      headers: {
        [Headers.eventType]: type,
        [Headers.eventId]: meta.eventId,
        [Headers.traceparent]: traceparent,
        [Headers.contentType]: contentTypeOf(type),
      },
    };
    return new Promise<{ partition: number; offset: string }>((resolve, reject) => {
      this.admitting.push({ topic: descriptor.topic, record, resolve, reject });
      this.admit();
    }).then(
      (result) => {
        span.setAttributes({
          'messaging.destination.partition.id': String(result.partition),
          'messaging.kafka.offset': Number(result.offset),
          'gochat.event_id': meta.eventId,
        });
        span.end();
        return { eventId: meta.eventId, topic: descriptor.topic, ...result, traceparent };
      },
      (err: unknown) => {
        endFailed(span, err);
        throw err;
      },
    );
  }

  /**
   * Moves admitted records to the send queue in arrival order, once the producer is connected and the topic's
   * partition count is known (both cached after the first publish, so the usual path takes no broker round trip).
   */
  private admit(): void {
    if (this.admitLoop) return;
    this.admitLoop = (async () => {
      while (this.admitting.length > 0) {
        const next = this.admitting[0] as AdmittedRecord;
        let producer: Producer;
        let partitionMetadata: PartitionMetadata[];
        try {
          producer = this.producer ?? (await this.ready());
          partitionMetadata = this.partitionMetadata.get(next.topic) ?? (await this.partitionsOf(next.topic));
        } catch (err) {
          // Everything waiting for this topic fails the same way; other topics may still go through.
          const failed = this.admitting.filter((r) => r.topic === next.topic);
          this.admitting = this.admitting.filter((r) => r.topic !== next.topic);
          for (const r of failed) r.reject(err);
          continue;
        }
        // Every record of a known topic moves at once (one pass, not a shift per record: a burst of thousands of
        // publishes would be quadratic); the first of an unknown topic stops the pass until its metadata is in.
        let taken = 0;
        for (const record of this.admitting) {
          const metadata = record.topic === next.topic ? partitionMetadata : this.partitionMetadata.get(record.topic);
          if (!metadata) break;
          this.enqueue(record, metadata);
          taken += 1;
        }
        this.admitting = this.admitting.slice(taken);
        this.kick(producer);
      }
    })().finally(() => {
      this.admitLoop = undefined;
      if (this.admitting.length > 0) this.admit();
    });
  }

  private enqueue(record: AdmittedRecord, partitionMetadata: PartitionMetadata[]): void {
    // The same murmur2 partitioner kafkajs uses, applied here so each record's offset can be told apart in a
    // batched response; every producer of a topic therefore still puts a key on the same partition.
    const cacheKey = `${record.topic}\u0000${String(record.record.key)}`;
    let partition = this.partitionOfKey.get(cacheKey);
    if (partition === undefined) {
      partition = this.partitioner({ topic: record.topic, partitionMetadata, message: record.record });
      if (this.partitionOfKey.size >= PARTITION_CACHE_SIZE) this.partitionOfKey.clear();
      this.partitionOfKey.set(cacheKey, partition);
    }
    this.queue.push({
      topic: record.topic,
      message: { ...record.record, partition },
      resolve: record.resolve,
      reject: record.reject,
    });
  }

  private async partitionsOf(topic: string): Promise<PartitionMetadata[]> {
    const n = await this.fetchPartitionCount(topic);
    const metadata = Array.from({ length: n }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    })) as PartitionMetadata[];
    this.partitionMetadata.set(topic, metadata);
    return metadata;
  }

  private async fetchPartitionCount(topic: string): Promise<number> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) {
        if (!isTopicName(topic)) throw new Error(`topic ${topic} does not exist`);
        await ensureTopics(this.options.kafka, [topic]);
      }
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = topics[0]?.partitions.length ?? 0;
      if (count === 0) throw new Error(`topic ${topic} has no partitions`);
      return count;
    } finally {
      await admin.disconnect();
    }
  }

  private kick(producer: Producer): void {
    // Started after the current tick's microtasks, so records published together (a consumer's batch, several
    // clients' sends) leave in one request instead of the first going alone.
    this.draining ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.drain(producer))
      .finally(() => {
        this.draining = undefined;
        // A record queued between the last loop check and here would otherwise wait for the next publish.
        if (this.queue.length > 0) this.kick(producer);
      });
  }

  private async drain(producer: Producer): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_RECORDS_PER_REQUEST);
      try {
        const topics = [...new Set(batch.map((r) => r.topic))];
        const results = await producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: topics.map((topic) => ({
            topic,
            messages: batch.filter((r) => r.topic === topic).map((r) => r.message),
          })),
        });
        const seen = new Map<string, number>();
        for (const queued of batch) {
          const slot = `${queued.topic}/${queued.message.partition}`;
          const index = seen.get(slot) ?? 0;
          seen.set(slot, index + 1);
          const meta = results.find((r) => r.topicName === queued.topic && r.partition === queued.message.partition);
          const base = meta?.baseOffset ?? meta?.offset;
          queued.resolve({
            partition: queued.message.partition,
            offset: base === undefined ? '' : (BigInt(base) + BigInt(index)).toString(),
          });
        }
      } catch (err) {
        for (const queued of batch) queued.reject(err);
      }
    }
  }

  /** Waits for queued publishes to be answered, then closes the producer. */
  async disconnect(): Promise<void> {
    while (this.admitLoop || this.draining) await (this.admitLoop ?? this.draining);
    const pending = this.connecting;
    this.connecting = undefined;
    this.producer = undefined;
    if (pending) {
      const producer = await pending.catch(() => undefined);
      await producer?.disconnect();
    }
  }
}
