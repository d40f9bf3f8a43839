// lib/kafka against the real embedded broker (infra/kafka-broker) with kafkajs: no mocks.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Partitioners, type Kafka } from 'kafkajs';
import { startBroker } from '../../infra/kafka-broker/index';
import { silentLogger } from '../log';
import { newRootTraceparent, traceIdOf } from '../trace';
import {
  ALL_TOPICS,
  createKafka,
  ensureTopics,
  EventPublisher,
  startEventConsumer,
  SkipRecord,
  Topics,
  type AnyConsumedEvent,
  type EventConsumerOptions,
  type RunningEventConsumer,
  type TopicName,
} from './index';

const logger = silentLogger();

/** Resolves when `predicate` holds, checking after each event; rejects after a bounded wait. */
function waitFor(
  what: string,
  predicate: () => boolean,
  notify: { wake?: () => void },
  timeoutMs = 20000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    const check = (): void => {
      if (predicate()) {
        clearTimeout(timer);
        notify.wake = undefined;
        resolve();
      }
    };
    notify.wake = check;
    check();
  });
}

async function committedOffset(kafka: Kafka, groupId: string, topic: string, partition: number): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return entry?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
  } finally {
    await admin.disconnect();
  }
}

describe('lib/kafka with the embedded broker', () => {
  let dataDir: string;
  let broker: { address: string; stop(): Promise<void> };
  let kafka: Kafka;
  let publisher: EventPublisher;
  const consumers: RunningEventConsumer[] = [];

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'lib-kafka-'));
    broker = await startBroker({ dataDir, port: 0 });
    kafka = createKafka({ brokers: [broker.address], clientId: 'lib-kafka-test', logger });
    publisher = new EventPublisher({ kafka, producer: 'lib-test/1', logger });
  });
  after(async () => {
    for (const consumer of consumers) await consumer.stop();
    await publisher.disconnect();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /**
   * A consumer of one topic from its start, in a group of its own unless one is given; the file's after() stops
   * it. After each attempt at a record (handled or thrown) it wakes the test's waitFor on `signal`.
   */
  async function consume(
    topic: TopicName,
    handle: (event: AnyConsumedEvent) => Promise<void>,
    options: { groupId?: string; retry?: EventConsumerOptions['retry'] } = {},
  ): Promise<{ consumer: RunningEventConsumer; signal: { wake?: () => void } }> {
    const signal: { wake?: () => void } = {};
    const consumer = await startEventConsumer({
      kafka,
      groupId: options.groupId ?? `g-${randomUUID()}`,
      topics: [topic],
      fromBeginning: true,
      logger,
      ...(options.retry ? { retry: options.retry } : {}),
      handle: async (event) => {
        try {
          await handle(event);
        } finally {
          signal.wake?.();
        }
      },
    });
    consumers.push(consumer);
    return { consumer, signal };
  }

  test('ensureTopics creates every topic with its partition count, and is safe to repeat', async () => {
    await ensureTopics(kafka, ALL_TOPICS);
    await ensureTopics(kafka, ALL_TOPICS);
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [Topics.userEvents, Topics.messagesUpstream] });
      const partitions = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      assert.deepEqual(partitions, { [Topics.userEvents]: 4, [Topics.messagesUpstream]: 6 });
    } finally {
      await admin.disconnect();
    }
  });

  test('a published event arrives decoded, with meta, headers, key and trace filled in', async () => {
    const userId = `u-${randomUUID()}`;
    const received: AnyConsumedEvent[] = [];
    const { signal } = await consume(Topics.userEvents, async (event) => {
      if (event.key === userId) received.push(event);
    });
    const traceparent = newRootTraceparent();
    const published = await publisher.publish(
      'user.online',
      userId,
      { userId, gatewayId: 'gw-1', connId: 'c1', onlineAtMs: 42 },
      { traceparent },
    );
    await waitFor('the user.online event', () => received.length === 1, signal);
    const event = received[0];
    assert.ok(event && event.type === 'user.online');
    assert.equal(event.message.userId, userId);
    assert.equal(event.message.onlineAtMs, 42);
    assert.equal(event.topic, Topics.userEvents);
    assert.equal(event.meta?.eventId, published.eventId);
    assert.equal(event.meta?.eventType, 'user.online');
    assert.equal(event.meta?.producer, 'lib-test/1');
    assert.equal(event.headers['event-type'], 'user.online');
    assert.equal(event.headers['event-id'], published.eventId);
    // The header is the produce span's context: the publisher's trace, a span of its own.
    assert.equal(traceIdOf(event.headers['traceparent']), traceIdOf(traceparent));
    assert.notEqual(event.headers['traceparent'], traceparent);
    assert.equal(event.headers['content-type'], 'application/x-protobuf; messageType=gochat.events.v1.UserOnline');
    assert.equal(traceIdOf(event.traceparent), traceIdOf(traceparent));
    assert.equal(event.offset, published.offset);
  });

  test('concurrent publishes go out together yet each learns its own offset, in order per key', async () => {
    const keys = [`p2p:a:${randomUUID()}`, `p2p:b:${randomUUID()}`];
    const received = new Map<string, AnyConsumedEvent>();
    const { signal } = await consume(Topics.messagesUpstream, async (event) => {
      if (keys.includes(event.key) && event.meta) received.set(event.meta.eventId, event);
    });
    const published = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const conversationId = keys[i % 2] as string;
        return publisher.publish('message.upstream', conversationId, {
          senderId: 'a',
          toUserId: 'b',
          groupId: '',
          conversationId,
          clientMsgId: `m-${i}`,
          contentType: 'text/plain',
          body: `#${i}`,
          originGatewayId: 'gw-1',
          originConnId: 'c1',
        });
      }),
    );
    await waitFor('all 40 events', () => received.size === 40, signal);
    for (const [i, sent] of published.entries()) {
      const got = received.get(sent.eventId);
      assert.ok(got && got.type === 'message.upstream');
      assert.equal(got.message.body, `#${i}`);
      assert.equal(got.partition, sent.partition);
      assert.equal(got.offset, sent.offset, `offset of #${i}`);
    }
    for (const key of keys) {
      const offsets = published.filter((_, i) => keys[i % 2] === key).map((p) => BigInt(p.offset));
      assert.deepEqual(
        offsets,
        [...offsets].sort((a, b) => (a < b ? -1 : 1)),
        `publish order kept for ${key}`,
      );
    }
  });

  test('with lingerAfterFetchMs a lone record is handled at once, and what comes during the linger in one batch', async () => {
    const key = `u-${randomUUID()}`;
    const batches: string[][] = [];
    const signal: { wake?: () => void } = {};
    const lingerMs = 2000;
    consumers.push(
      await startEventConsumer({
        kafka,
        groupId: `g-${randomUUID()}`,
        topics: [Topics.userEvents],
        fromBeginning: true,
        logger,
        lingerAfterFetchMs: lingerMs,
        handleBatch: async (events) => {
          const ours = events.filter((e) => e.key === key).map((e) => e.meta?.eventId ?? '');
          if (ours.length > 0) batches.push(ours);
          signal.wake?.();
        },
      }),
    );
    const online = (n: number) => ({ userId: key, gatewayId: 'gw-1', connId: `c${n}`, onlineAtMs: n });
    // Caught up with the topic (other tests' records), then idle past the linger: long-polling.
    await publisher.publish('user.online', key, online(0));
    await waitFor('the first record', () => batches.length === 1, signal);
    await sleep(lingerMs + 200);
    await publisher.publish('user.online', key, online(1));
    // Well before a linger would end: the fetch that brought it is not held back.
    await waitFor('the lone record', () => batches.length === 2, signal, lingerMs / 2);
    // One after another, while the consumer lingers: they come in the next fetch, together.
    const ids: string[] = [];
    for (let i = 2; i <= 11; i++) ids.push((await publisher.publish('user.online', key, online(i))).eventId);
    await waitFor('the ten records', () => batches.flat().length === 12, signal);
    assert.deepEqual(batches.slice(2), [ids]);
  });

  test('a failing handler is retried, and the offset is committed only after it succeeds', async () => {
    const groupId = `g-${randomUUID()}`;
    const conversationId = `p2p:a-${randomUUID()}:b`;
    let attempts = 0;
    let handled = false;
    const { consumer, signal } = await consume(
      Topics.messageEvents,
      async (event) => {
        if (event.key !== conversationId) return;
        attempts += 1;
        if (attempts < 3) throw new Error('repo unavailable');
        handled = true;
      },
      { groupId, retry: { initialMs: 20, maxMs: 50 } },
    );
    const published = await publisher.publish('message.read', conversationId, {
      readerId: 'b',
      conversationId,
      conversationType: 1,
      previousReadSeq: 0,
      readSeq: 3,
      readAtMs: 1,
    });
    await waitFor('the handler to succeed', () => handled, signal);
    assert.equal(attempts, 3);
    await consumer.stop();
    const committed = await committedOffset(kafka, groupId, Topics.messageEvents, published.partition);
    assert.equal(committed, (BigInt(published.offset) + 1n).toString());
  });

  test('a handler can skip a record it can never handle; the next one is handled and the offset moves on', async () => {
    const groupId = `g-${randomUUID()}`;
    const reader = `r-${randomUUID()}`;
    const conversationId = `p2p:${reader}:z`;
    const seen: number[] = [];
    const { consumer, signal } = await consume(
      Topics.messageEvents,
      async (event) => {
        if (event.type !== 'message.read' || event.message.readerId !== reader) return;
        seen.push(event.message.readSeq);
        if (event.message.readSeq === 1) throw new SkipRecord('conversation was deleted');
      },
      { groupId },
    );
    const read = (readSeq: number) =>
      publisher.publish('message.read', conversationId, {
        readerId: reader,
        conversationId,
        conversationType: 1,
        previousReadSeq: readSeq - 1,
        readSeq,
        readAtMs: 1,
      });
    await read(1);
    const second = await read(2);
    await waitFor('both records', () => seen.length === 2, signal);
    assert.deepEqual(seen, [1, 2], 'the skipped record was tried once, not retried');
    await consumer.stop();
    assert.equal(
      await committedOffset(kafka, groupId, Topics.messageEvents, second.partition),
      (BigInt(second.offset) + 1n).toString(),
    );
  });

  test('a record whose handler never succeeded is redelivered after a restart, and undecodable ones are skipped', async () => {
    const groupId = `g-${randomUUID()}`;
    const groupKey = `grp-${randomUUID()}`;
    // A record with no usable headers, written by a plain producer straight onto the topic.
    const raw = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await raw.connect();
    await raw.send({ topic: Topics.notifications, messages: [{ key: groupKey, value: Buffer.from('not protobuf') }] });
    await raw.disconnect();
    const published = await publisher.publish('group.member.joined', groupKey, {
      groupId: groupKey,
      userId: 'u1',
      role: 1,
      operatorId: 'u0',
      joinedSeq: 7,
      memberCount: 2,
    });

    let attempts = 0;
    const failing = await consume(
      Topics.notifications,
      async (event) => {
        if (event.key !== groupKey) return;
        attempts += 1;
        throw new Error('always failing');
      },
      { groupId, retry: { initialMs: 20, maxMs: 20 } },
    );
    await waitFor('two failed attempts', () => attempts >= 2, failing.signal);
    await failing.consumer.stop();
    const committed = await committedOffset(kafka, groupId, Topics.notifications, published.partition);
    assert.ok(
      BigInt(committed) <= BigInt(published.offset),
      `committed ${committed} must not pass ${published.offset}`,
    );

    const redelivered: AnyConsumedEvent[] = [];
    const again = await consume(
      Topics.notifications,
      async (event) => {
        if (event.key === groupKey) redelivered.push(event);
      },
      { groupId },
    );
    await waitFor('the redelivered record', () => redelivered.length === 1, again.signal);
    const event = redelivered[0];
    assert.ok(event && event.type === 'group.member.joined');
    assert.equal(event.message.joinedSeq, 7);
    assert.equal(event.meta?.eventId, published.eventId);
  });
});
