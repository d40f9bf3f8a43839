// /api/topics and /api/groups: partitions, watermarks, consumer groups with lag, the message browser, export,
// import and produce.
import { randomUUID } from 'node:crypto';
import { BadRequestError } from '../http/errors';
import type { KafkaInspector, ProduceRequest } from '../ports';
import { newRootTraceparent } from '../../../lib/trace';
import { encodeEvent, eventTemplates, EVENT_MESSAGE_TYPES, EVENT_TOPICS, knownMessageTypes } from './record-decoder';
import { parseFilter, parseStart, RecordsBrowser } from './records-browser';
import { intParam, NdjsonStream, objectBody, stringField, type Router } from '../http/router';

/** Kafka's own rule for topic names; anything else is refused here rather than by the broker (a 500 there). */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

function topicParam(params: Record<string, string>): string {
  const topic = params.topic ?? '';
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new BadRequestError(
      `invalid topic name ${JSON.stringify(topic)}: a topic name is 1 to 249 of the characters a-z A-Z 0-9 . _ -`,
    );
  }
  return topic;
}

function partitionParam(query: URLSearchParams): number | null {
  const raw = query.get('partition');
  if (raw === null || raw === '' || raw === 'all') return null;
  return intParam(query, 'partition', 0, 0, 10_000);
}

function cursorParam(query: URLSearchParams): Record<string, number> | undefined {
  const raw = query.get('cursor');
  if (!raw) return undefined;
  const cursor: Record<string, number> = {};
  for (const part of raw.split(',')) {
    const [partition, offset] = part.split(':');
    const p = Number(partition);
    const o = Number(offset);
    if (!Number.isInteger(p) || !Number.isInteger(o))
      throw new BadRequestError(`cursor must be "partition:offset,...", got "${raw}"`);
    cursor[p] = o;
  }
  return cursor;
}

export function registerTopicRoutes(router: Router, kafka: KafkaInspector, lagHistory: () => unknown): void {
  const browser = new RecordsBrowser(kafka);
  router
    .add('GET', '/api/topics', async () => ({ topics: await kafka.listTopics() }))
    .add('GET', '/api/groups', async () => ({ groups: await kafka.describeGroups(), history: lagHistory() }))
    .add('GET', '/api/event-types', () => ({
      eventTypes: EVENT_MESSAGE_TYPES,
      topics: EVENT_TOPICS,
      messageTypes: knownMessageTypes(),
      templates: eventTemplates(),
    }))
    .add('GET', '/api/topics/:topic/records', async ({ params, query }) => {
      const result = await browser.browse({
        topic: topicParam(params),
        partition: partitionParam(query),
        start: parseStart(query),
        limit: intParam(query, 'limit', 100, 1, 5000),
        scanLimit: intParam(query, 'scanLimit', 20_000, 1, 200_000),
        filter: parseFilter(query),
        cursor: cursorParam(query),
      });
      return {
        ...result,
        cursor: Object.entries(result.cursor)
          .map(([p, o]) => `${p}:${o}`)
          .join(','),
      };
    })
    .add('GET', '/api/topics/:topic/export', ({ params, query }) => {
      const lines = browser.export(
        {
          topic: topicParam(params),
          partition: partitionParam(query),
          start: parseStart(query),
          filter: parseFilter(query),
        },
        intParam(query, 'max', 100_000, 1, 1_000_000),
      );
      return new NdjsonStream(lines, `${params.topic}.ndjson`);
    })
    .add('POST', '/api/topics/:topic/import', async ({ params, body }) => {
      const topic = topicParam(params);
      const records = objectBody(body).records;
      if (!Array.isArray(records))
        throw new BadRequestError('"records" must be an array of exported records (lines of an NDJSON export)');
      if (records.length > 5000)
        throw new BadRequestError('at most 5000 records per import call; send the file in parts');
      const imported = [];
      for (const [index, record] of records.entries())
        imported.push(await kafka.produce(importedRecord(topic, record, index)));
      return { imported: imported.length, offsets: imported };
    })
    .add('POST', '/api/topics/:topic/records', async ({ params, body }) => {
      const topic = topicParam(params);
      const request = objectBody(body);
      const headers: Record<string, Uint8Array> = {};
      const given = request.headers ?? {};
      if (typeof given !== 'object' || given === null || Array.isArray(given))
        throw new BadRequestError('"headers" must be an object of strings');
      for (const [name, value] of Object.entries(given)) {
        if (typeof value !== 'string') throw new BadRequestError(`header "${name}" must be a string`);
        headers[name] = Buffer.from(value);
      }
      const eventType = stringField(request, 'eventType');
      const messageType =
        stringField(request, 'messageType') ?? (eventType ? EVENT_MESSAGE_TYPES[eventType] : undefined);
      const raw = request.raw === true;
      const key = stringField(request, 'key');
      const eventId = randomUUID();
      const traceparent = newRootTraceparent();
      let value: Uint8Array | null = null;
      if (request.json !== undefined) {
        if (!messageType)
          throw new BadRequestError('a JSON value needs "eventType" or "messageType" to encode it as protobuf');
        // An event the services consume must look like one they publish, unless the user asks for a raw record.
        if (eventType && !raw) checkEvent(topic, eventType, key, request.json);
        try {
          value = encodeEvent(
            messageType,
            eventType && !raw ? withMeta(request.json, eventType, eventId, traceparent) : request.json,
          );
        } catch (error) {
          throw new BadRequestError(
            `cannot encode the value: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        headers['content-type'] ??= Buffer.from(`application/x-protobuf; messageType=${messageType}`);
      } else {
        const raw = stringField(request, 'valueBase64');
        value = raw === undefined ? null : Buffer.from(raw, 'base64');
      }
      if (eventType) headers['event-type'] ??= Buffer.from(eventType);
      headers['event-id'] ??= Buffer.from(eventId);
      headers.traceparent ??= Buffer.from(traceparent);
      const partition = request.partition;
      if (partition !== undefined && (typeof partition !== 'number' || !Number.isInteger(partition) || partition < 0)) {
        throw new BadRequestError('"partition" must be a non-negative integer');
      }
      return kafka.produce({
        topic,
        partition,
        key: key === undefined ? null : Buffer.from(key),
        value,
        headers,
      });
    });
}

function checkEvent(topic: string, eventType: string, key: string | undefined, json: unknown): void {
  const home = EVENT_TOPICS[eventType];
  if (home && home !== topic) {
    throw new BadRequestError(
      `${eventType} events belong on ${home}, not ${topic}; send "raw": true to put one here on purpose`,
    );
  }
  if (!key) {
    throw new BadRequestError(
      `a ${eventType} event needs a key (consumers order and route by it); send "raw": true for a record without one`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BadRequestError(`the value of a ${eventType} event must be a JSON object`);
  }
}

/** The event with its meta completed as a publisher fills it: id, type, time, producer and trace context. */
function withMeta(json: unknown, eventType: string, eventId: string, traceparent: string): unknown {
  const event = json as Record<string, unknown>;
  const given = (typeof event.meta === 'object' && event.meta !== null ? event.meta : {}) as Record<string, unknown>;
  if (given.eventType !== undefined && given.eventType !== '' && given.eventType !== eventType) {
    throw new BadRequestError(`meta.eventType "${String(given.eventType)}" does not match the event type ${eventType}`);
  }
  const filled = (field: string, value: unknown): unknown =>
    given[field] === undefined || given[field] === '' || given[field] === 0 ? value : given[field];
  return {
    ...event,
    meta: {
      ...given,
      eventId: filled('eventId', eventId),
      eventType,
      occurredAtMs: filled('occurredAtMs', Date.now()),
      producer: filled('producer', 'gochat-console'),
      trace: filled('trace', { traceparent, tracestate: '' }),
    },
  };
}

/**
 * One line of an NDJSON export, produced again as it was stored: the same key, headers and value bytes
 * (rawKey / rawValue), to the same partition unless the topic has fewer.
 */
function importedRecord(topic: string, line: unknown, index: number): ProduceRequest {
  const where = `record ${index + 1}`;
  if (typeof line !== 'object' || line === null) throw new BadRequestError(`${where} is not an object`);
  const r = line as { rawKey?: unknown; rawValue?: unknown; headers?: unknown; partition?: unknown };
  const bytes = (value: unknown, field: string): Buffer | null => {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') throw new BadRequestError(`${where}: "${field}" must be base64 text or null`);
    return Buffer.from(value, 'base64');
  };
  const headers: Record<string, Uint8Array> = {};
  if (r.headers !== undefined) {
    if (typeof r.headers !== 'object' || r.headers === null)
      throw new BadRequestError(`${where}: "headers" must be an object`);
    for (const [name, value] of Object.entries(r.headers)) {
      if (typeof value !== 'string') throw new BadRequestError(`${where}: header "${name}" must be a string`);
      headers[name] = Buffer.from(value);
    }
  }
  return { topic, key: bytes(r.rawKey, 'rawKey'), value: bytes(r.rawValue, 'rawValue'), headers };
}
