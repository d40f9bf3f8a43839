// Publishing domain events: fills EventMeta and the record headers of the conventions, waits for acks from all
// in-sync replicas (acks -1), and uses an idempotent producer where the broker supports it so retries never
// duplicate a record.
import { randomUUID } from 'node:crypto';
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { EventMeta } from '../../proto/gen/gochat/common/v1/common';
import type { Logger } from '../log';
import { isValidTraceparent, newRootTraceparent } from '../trace';
import { contentTypeOf, EVENT_REGISTRY, type EventCodec, type EventMessages, type EventType } from './registry';
import { Headers } from './topics';

export interface EventPublisherOptions {
  kafka: Kafka;
  /** Service instance that publishes, written to EventMeta.producer, e.g. "im-gateway/gw-1". */
  producer: string;
  logger: Logger;
  /** Try an idempotent producer first (default true); falls back to a plain one when the broker refuses. */
  idempotent?: boolean;
}

export interface PublishOptions {
  /** Trace context of the work that caused this event; a new trace when absent or invalid. */
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

export class EventPublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

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
        retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5000 },
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

  /** Publishes one event on its topic with the given key and resolves once the broker has stored it. */
  async publish<K extends EventType>(
    type: K,
    key: string,
    body: EventBody<K> | EventMessages[K],
    options: PublishOptions = {},
  ): Promise<PublishedEvent> {
    const descriptor = EVENT_REGISTRY[type];
    if (key === '') throw new Error(`publish ${type}: the record key must not be empty`);
    const traceparent =
      options.traceparent && isValidTraceparent(options.traceparent) ? options.traceparent : newRootTraceparent();
    const meta: EventMeta = {
      eventId: options.eventId ?? randomUUID(),
      eventType: type,
      occurredAtMs: options.occurredAtMs ?? Date.now(),
      producer: this.options.producer,
      trace: { traceparent, tracestate: '' },
    };
    const codec = descriptor.codec as EventCodec<EventMessages[K]>;
    const message = codec.fromPartial({ ...body, meta });
    const value = Buffer.from(codec.encode(message));
    const producer = await this.ready();
    const [result] = await producer.send({
      topic: descriptor.topic,
      acks: -1,
      compression: CompressionTypes.None,
      messages: [
        {
          key,
          value,
          headers: {
            [Headers.eventType]: type,
            [Headers.eventId]: meta.eventId,
            [Headers.traceparent]: traceparent,
            [Headers.contentType]: contentTypeOf(type),
          },
        },
      ],
    });
    return {
      eventId: meta.eventId,
      topic: descriptor.topic,
      partition: result?.partition ?? -1,
      offset: result?.baseOffset ?? result?.offset ?? '',
      traceparent,
    };
  }

  async disconnect(): Promise<void> {
    const pending = this.connecting;
    this.connecting = undefined;
    this.producer = undefined;
    if (pending) {
      const producer = await pending.catch(() => undefined);
      await producer?.disconnect();
    }
  }
}
