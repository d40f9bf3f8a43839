// Collects every record of some topics with a kafkajs consumer of its own group and decodes each with the event
// registry, so integration tests can wait for "the user.online of alice" instead of sleeping.
import { Kafka, logLevel } from 'kafkajs';
import { decodeRecord, type EventMessages, type EventType } from '../../lib/kafka';
import type { EventMeta } from '../../proto/gen/gochat/common/v1/common';

export interface Collected<K extends EventType> {
  type: K;
  message: EventMessages[K];
  meta: EventMeta | undefined;
  topic: string;
  key: string;
  headers: Record<string, string>;
}
export type CollectedEvent = { [K in EventType]: Collected<K> }[EventType];

export interface TopicCollector {
  events: CollectedEvent[];
  ofType<K extends EventType>(type: K): Collected<K>[];
  /** The first event of this type matching pred, already seen or still to come. */
  waitFor<K extends EventType>(
    type: K,
    pred: (e: Collected<K>) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<Collected<K>>;
  stop(): Promise<void>;
}

/** Collects every record of the topics (from the beginning) with a kafkajs consumer of its own group. */
export async function collectTopics(brokers: string[], topics: string[]): Promise<TopicCollector> {
  const kafka = new Kafka({ clientId: 'test-collector', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-collector-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 100 });
  const events: CollectedEvent[] = [];
  let waiters: { pred: (e: CollectedEvent) => boolean; done: (e: CollectedEvent) => void }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
      const decoded = decodeRecord(topic, headers, message.value);
      if (!decoded.ok) throw new Error(`undecodable record on ${topic}: ${decoded.reason}`);
      const event = {
        type: decoded.type,
        message: decoded.message,
        meta: decoded.meta,
        topic,
        key: message.key?.toString() ?? '',
        headers,
      } as CollectedEvent;
      events.push(event);
      waiters = waiters.filter((w) => (w.pred(event) ? (w.done(event), false) : true));
    },
  });
  const ofType = <K extends EventType>(type: K): Collected<K>[] =>
    events.filter((e): e is CollectedEvent & Collected<K> => e.type === type);
  return {
    events,
    ofType,
    waitFor: <K extends EventType>(type: K, pred: (e: Collected<K>) => boolean, what: string, timeoutMs = 20_000) => {
      const matches = (e: CollectedEvent): e is CollectedEvent & Collected<K> =>
        e.type === type && pred(e as Collected<K>);
      const seen = events.find(matches);
      if (seen) return Promise.resolve(seen);
      return new Promise<Collected<K>>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${what} within ${timeoutMs} ms (saw ${events.map((e) => e.type).join(', ')})`)),
          timeoutMs,
        );
        waiters.push({ pred: matches, done: (e) => (clearTimeout(timer), resolve(e as Collected<K>)) });
      });
    },
    stop: () => consumer.disconnect(),
  };
}
