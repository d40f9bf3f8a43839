// A broker restart (same data dir and port) must not need a service restart: the publisher and the consumer of
// lib/kafka carry on, nothing published is lost, and nothing already handled is handed over again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../infra/kafka-broker/index';
import { silentLogger } from '../log';
import { createKafka, ensureTopics, EventPublisher, startEventConsumer, Topics } from './index';

test('publisher and consumer carry on across a broker restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lib-kafka-restart-'));
  const logger = silentLogger();
  let broker = await startBroker({ dataDir, port: 0 });
  const kafka = createKafka({ brokers: [broker.address], clientId: 'restart-test', logger });
  const publisher = new EventPublisher({ kafka, producer: 'restart-test/1', logger });
  const handled: string[] = [];
  let wake: (() => void) | undefined;
  const consumer = await (async () => {
    await ensureTopics(kafka, [Topics.userEvents]);
    return startEventConsumer({
      kafka,
      groupId: 'restart-test',
      topics: [Topics.userEvents],
      fromBeginning: true,
      logger,
      handle: async (event) => {
        if (event.type === 'user.online') handled.push(event.message.connId);
        wake?.();
      },
    });
  })();
  const until = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${handled.length}/${count} handled`)), 30_000);
      wake = () => {
        if (handled.length >= count) {
          clearTimeout(timer);
          resolve();
        }
      };
      wake();
    });
  const online = (connId: string) =>
    publisher.publish('user.online', 'u1', { userId: 'u1', gatewayId: 'gw-1', connId, onlineAtMs: 1 });
  try {
    await online('before-1');
    await online('before-2');
    await until(2);
    await broker.stop();
    broker = await startBroker({ dataDir, port: broker.port });
    await online('after-1');
    await online('after-2');
    await until(4);
    assert.deepEqual(handled, ['before-1', 'before-2', 'after-1', 'after-2']);
  } finally {
    await consumer.stop();
    await publisher.disconnect();
    await broker.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
