// What went to which topic: records read straight from the embedded broker's log and decoded with lib's registry.
import { decodeRecord, type EventMessages, type EventType } from '../../lib/kafka/registry';
import type { Broker, StoredRecord } from '../../infra/kafka-broker';

export interface TopicEvent<K extends EventType = EventType> {
  topic: string;
  partition: number;
  offset: number;
  key: string;
  type: K;
  message: EventMessages[K];
  headers: Record<string, string>;
}

export type AnyTopicEvent = { [K in EventType]: TopicEvent<K> }[EventType];

function decode(record: StoredRecord): AnyTopicEvent | undefined {
  const headers: Record<string, string> = {};
  for (const h of record.headers) if (h.value) headers[h.key] = h.value.toString('utf8');
  const decoded = decodeRecord(record.topic, headers, record.value);
  if (!decoded.ok) return undefined;
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key?.toString('utf8') ?? '',
    type: decoded.type,
    message: decoded.message,
    headers,
  } as AnyTopicEvent;
}

/** Every decodable record of a topic, partition by partition, in offset order within each. */
export async function readTopic(broker: Broker, topic: string): Promise<AnyTopicEvent[]> {
  const info = broker.listTopics().find((t) => t.name === topic);
  if (!info) return [];
  const events: AnyTopicEvent[] = [];
  for (const p of info.partitions) {
    let from = p.logStartOffset;
    while (from < p.highWatermark) {
      const batch = await broker.readRecords(topic, p.partition, from, 1000);
      if (batch.length === 0) break;
      for (const record of batch) {
        if (record.offset < from) continue;
        const e = decode(record);
        if (e) events.push(e);
      }
      from = batch[batch.length - 1]!.offset + 1;
    }
  }
  return events;
}

/** Every stored event of one type on a topic. */
export async function readEvents<K extends EventType>(
  broker: Broker,
  topic: string,
  type: K,
): Promise<TopicEvent<K>[]> {
  return (await readTopic(broker, topic)).filter((e): e is TopicEvent<K> & AnyTopicEvent => e.type === type);
}

/** Resolves with the first event of `type` on `topic` matching pred, already stored or appended later. */
export async function waitForTopicEvent<K extends EventType>(
  broker: Broker,
  topic: string,
  type: K,
  pred: (e: TopicEvent<K>) => boolean,
  timeoutMs = 10_000,
): Promise<TopicEvent<K>> {
  const matches = (e: AnyTopicEvent | undefined): e is TopicEvent<K> & AnyTopicEvent =>
    e?.type === type && pred(e as TopicEvent<K>);
  let unsubscribe: () => void = () => undefined;
  const appended = new Promise<TopicEvent<K>>((resolve) => {
    unsubscribe = broker.onAppend((record) => {
      if (record.topic !== topic) return;
      const e = decode(record);
      if (matches(e)) resolve(e);
    });
  });
  try {
    const stored = (await readTopic(broker, topic)).find(matches);
    if (stored) return stored;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${type} matching on ${topic} within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([appended, timeout]);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    unsubscribe();
  }
}
