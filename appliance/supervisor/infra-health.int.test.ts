import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../infra/kafka-broker';
import { freePort } from '../../infra/providers/free-port';
import { startRespServer } from '../../infra/resp-server';
import type { InfraComponent } from '../../infra/providers/infra';
import { InfraHealth, probeInfra } from './infra-health';

describe('infrastructure health', () => {
  let dir: string;
  let broker: Broker;
  let redis: Awaited<ReturnType<typeof startRespServer>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gochat-infra-health-'));
    broker = await startBroker({ dataDir: dir, port: 0 });
    redis = await startRespServer({ port: 0 });
  });
  after(async () => {
    await redis.stop();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a Kafka broker and a Redis server that answer are healthy; the wrong protocol or nobody is not', async () => {
    assert.equal(await probeInfra({ name: 'kafka', address: broker.address }), true);
    assert.equal(await probeInfra({ name: 'redis', address: redis.url }), true);
    assert.equal(await probeInfra({ name: 'kafka', address: redis.url.replace('redis://', '') }), false);
    assert.equal(await probeInfra({ name: 'redis', address: `redis://${broker.address}` }), false);
    assert.equal(await probeInfra({ name: 'kafka', address: `127.0.0.1:${await freePort()}` }), false);
    assert.equal(await probeInfra({ name: 'kafka', address: 'not an address' }), false);
  });

  test('each change of health is reported once', async () => {
    const kafkaDir = mkdtempSync(join(tmpdir(), 'gochat-infra-health-k-'));
    const own = await startBroker({ dataDir: kafkaDir, port: 0 });
    const components: InfraComponent[] = [
      { name: 'kafka', description: 'test broker', address: own.address, pid: process.pid },
      { name: 'redis', description: 'test resp', address: redis.url, pid: process.pid },
    ];
    const changes: string[] = [];
    const health = new InfraHealth(
      () => components,
      (name) => changes.push(`${name}:${health.of(name)}`),
    );
    assert.equal(health.of('kafka'), 'unknown');
    await health.probeAll();
    await health.probeAll();
    assert.deepEqual(changes.sort(), ['kafka:serving', 'redis:serving']);
    await own.stop();
    await health.probeAll();
    assert.deepEqual(changes.slice(2), ['kafka:not_serving']);
    rmSync(kafkaDir, { recursive: true, force: true });
  });
});
