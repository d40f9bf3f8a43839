// Turns broker records into what the console shows: the event type, the trace id, the key as text and the value
// decoded from protobuf into JSON. The record's own "content-type" header names the message type, so no schema
// registry is needed; the "event-type" header is the fallback for records produced without it.
import { EVENT_REGISTRY, EVENT_TYPES } from '../../../lib/kafka/registry';
import * as events from '../../../proto/gen/gochat/events/v1/events';
import type { BrokerRecord } from '../ports';
import type { DecodedRecord, RecordSummary } from '../contract';
export type { DecodedRecord, RecordSummary };

interface ProtoMessageType {
  decode(input: Uint8Array): unknown;
  encode(message: never): { finish(): Uint8Array };
  fromJSON(object: unknown): unknown;
  fromPartial(object: object): Record<string, unknown>;
  toJSON(message: never): unknown;
}

const MESSAGE_TYPES = new Map<string, ProtoMessageType>();
for (const [name, value] of Object.entries(events)) {
  if (typeof value === 'object' && value !== null && 'decode' in value && 'toJSON' in value) {
    MESSAGE_TYPES.set(`gochat.events.v1.${name}`, value as unknown as ProtoMessageType);
  }
}

/** Event type -> message type, from the services' own event registry (lib/kafka), so the two never disagree. */
export const EVENT_MESSAGE_TYPES: Record<string, string> = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, EVENT_REGISTRY[type].messageType]),
);

/** Event type -> the topic it is published on. */
export const EVENT_TOPICS: Record<string, string> = Object.fromEntries(
  EVENT_TYPES.map((type) => [type, EVENT_REGISTRY[type].topic]),
);

const text = new TextDecoder('utf-8', { fatal: false });

export function headerText(record: BrokerRecord, name: string): string | null {
  const bytes = record.headers[name];
  return bytes ? text.decode(bytes) : null;
}

/** The trace id (32 hex chars) out of a W3C traceparent "00-<trace id>-<span id>-<flags>". */
export function traceIdOf(traceparent: string | null | undefined): string | null {
  if (!traceparent) return null;
  const match = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent.trim());
  return match ? (match[1] ?? null) : null;
}

export function messageTypeOf(record: BrokerRecord): string | null {
  const contentType = headerText(record, 'content-type');
  const named = contentType ? /messageType=([\w.]+)/.exec(contentType)?.[1] : undefined;
  if (named) return named;
  const eventType = headerText(record, 'event-type');
  return eventType ? (EVENT_MESSAGE_TYPES[eventType] ?? null) : null;
}

export function summarize(record: BrokerRecord): RecordSummary {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestampMs: record.timestampMs,
    key: record.key ? text.decode(record.key) : null,
    eventType: headerText(record, 'event-type'),
    traceId: traceIdOf(headerText(record, 'traceparent')),
    size: (record.value?.length ?? 0) + (record.key?.length ?? 0),
  };
}

export function decodeRecord(record: BrokerRecord): DecodedRecord {
  const headers: Record<string, string> = {};
  for (const [name, bytes] of Object.entries(record.headers)) headers[name] = text.decode(bytes);
  const messageType = messageTypeOf(record);
  let value: unknown = null;
  let decodeError: string | null = null;
  if (record.value === null) {
    decodeError = 'the record has no value (tombstone)';
  } else if (!messageType) {
    decodeError = 'no content-type or known event-type header names the message type';
  } else {
    const type = MESSAGE_TYPES.get(messageType);
    if (!type) decodeError = `unknown message type ${messageType}`;
    else {
      try {
        value = type.toJSON(type.decode(record.value) as never);
      } catch (error) {
        decodeError = `value is not a valid ${messageType}: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
  return {
    ...summarize(record),
    headers,
    messageType,
    value,
    decodeError,
    rawValue: record.value ? Buffer.from(record.value).toString('base64') : null,
    rawKey: record.key ? Buffer.from(record.key).toString('base64') : null,
  };
}

/** Encodes a JSON event for the produce form; throws with the reason when the JSON does not fit the type. */
export function encodeEvent(messageType: string, json: unknown): Uint8Array {
  const type = MESSAGE_TYPES.get(messageType);
  if (!type) throw new Error(`unknown message type ${messageType}; known: ${[...MESSAGE_TYPES.keys()].join(', ')}`);
  const message = type.fromJSON(json);
  // fromJSON ignores fields it does not know; a typo would silently produce an empty field, so name it instead.
  const unknown = unknownFields(json, type.toJSON(message as never), '');
  if (unknown.length > 0) throw new Error(`${messageType} has no field ${unknown.join(', ')}`);
  return type.encode(message as never).finish();
}

function unknownFields(given: unknown, known: unknown, path: string): string[] {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return [];
  const knownObject = (typeof known === 'object' && known !== null ? known : {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const [field, value] of Object.entries(given)) {
    const isDefault =
      value === '' || value === 0 || value === false || value === null || (Array.isArray(value) && value.length === 0);
    if (!(field in knownObject) && !isDefault) out.push(`"${path}${field}"`);
    else out.push(...unknownFields(value, knownObject[field], `${path}${field}.`));
  }
  return out;
}

export function knownMessageTypes(): string[] {
  return [...MESSAGE_TYPES.keys()];
}

/**
 * A value to start from for each event type: every field of its message with its default value (nested messages
 * as null), meta left out because the API fills it in. What the Produce form opens with.
 */
export function eventTemplates(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [eventType, messageType] of Object.entries(EVENT_MESSAGE_TYPES)) {
    const type = MESSAGE_TYPES.get(messageType);
    if (!type) continue;
    const fields = Object.entries(type.fromPartial({})).filter(([field]) => field !== 'meta');
    out[eventType] = Object.fromEntries(fields.map(([field, value]) => [field, value === undefined ? null : value]));
  }
  return out;
}
