// Kafka client records in the shape the console's ports use, shared by the client inspector and its append feed.
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { BrokerRecord } from '../ports';

/** Groups the console itself creates; hidden from the groups view. */
export const CONSOLE_GROUP_PREFIX = 'gochat-console-';

let groupsMade = 0;
/** "<pid>-<n>": two inspectors in one process (or a replaced one still closing) never share a group. */
export function nextConsoleGroupSuffix(): string {
  groupsMade += 1;
  return `${process.pid}-${groupsMade}`;
}

export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

export function headersOf(headers: IHeaders | undefined): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined) continue;
    out[name] = typeof value === 'string' ? new TextEncoder().encode(value) : new Uint8Array(value);
  }
  return out;
}

export function toBrokerRecord(topic: string, partition: number, message: KafkaMessage): BrokerRecord {
  return {
    topic,
    partition,
    offset: Number(message.offset),
    timestampMs: Number(message.timestamp),
    key: message.key ? new Uint8Array(message.key) : null,
    value: message.value ? new Uint8Array(message.value) : null,
    headers: headersOf(message.headers),
  };
}
