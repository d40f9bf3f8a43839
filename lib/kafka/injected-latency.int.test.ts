// The chaos latency hook against the real embedded broker: a consumer in this process waits the set latency before
// it handles a batch, and lists itself as a group the latency applies to.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startBroker } from '../../infra/kafka-broker/index';
import { silentLogger } from '../log';
import { consumingGroups, setInjectedLatency } from './injected-latency';
import { createKafka, EventPublisher, startEventConsumer, Topics } from './index';

const logger = silentLogger();
let dataDir: string;
let broker: { address: string; stop(): Promise<void> };

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'lib-kafka-latency-'));
  broker = await startBroker({ dataDir, port: 0 });
});
after(async () => {
  setInjectedLatency(0);
  await broker.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a bad latency is refused with the range', () => {
  assert.throws(() => setInjectedLatency(-1), /integer from 0 to 30000 ms, got -1/);
  assert.throws(() => setInjectedLatency(0.5), /got 0.5/);
  assert.throws(() => setInjectedLatency(30_001), /got 30001/);
});

test('with a latency set, a record is handled no sooner than that latency after it was stored', async () => {
  const kafka = createKafka({ brokers: [broker.address], clientId: 'latency-test', logger });
  const publisher = new EventPublisher({ kafka, producer: 'latency-test/1', logger });
  const groupId = `g-${randomUUID()}`;
  const userId = `u-${randomUUID()}`;
  const handled: number[] = [];
  let wake: (() => void) | undefined;
  const consumer = await startEventConsumer({
    kafka,
    groupId,
    topics: [Topics.userEvents],
    fromBeginning: true,
    logger,
    handle: async (event) => {
      if (event.key !== userId) return;
      handled.push(Date.now());
      wake?.();
    },
  });
  try {
    assert.ok(consumingGroups().includes(groupId), 'a running consumer is listed');
    setInjectedLatency(1200);
    const storedAt = Date.now();
    await publisher.publish('user.online', userId, { userId, gatewayId: 'gw-1', connId: 'c1', onlineAtMs: 1 });
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (handled.length > 0) resolve();
    });
    const waited = (handled[0] as number) - storedAt;
    assert.ok(waited >= 1200, `handled ${waited} ms after publishing, with a 1200 ms latency set`);
  } finally {
    setInjectedLatency(0);
    await consumer.stop();
    await publisher.disconnect();
  }
  assert.ok(!consumingGroups().includes(groupId), 'a stopped consumer is no longer listed');
});
