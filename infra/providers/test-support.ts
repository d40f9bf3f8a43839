// Shared by the provider tests: a Kafka + Redis round trip a user of the infra would do.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import type { RunningInfra } from './infra';

const createdDirs: string[] = [];

/** A fresh directory, removed when the test process exits. */
export function tempDir(): string {
  if (createdDirs.length === 0) {
    process.once('exit', () => {
      for (const dir of createdDirs) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'gochat-infra-'));
  createdDirs.push(dir);
  return dir;
}

/** Produces one record and reads it back, and writes and reads one Redis key. */
export async function assertInfraWorks(infra: RunningInfra): Promise<void> {
  const kafka = new Kafka({
    clientId: 'provider-test',
    brokers: infra.kafkaBrokers.split(','),
    logLevel: logLevel.NOTHING,
  });
  const topic = `provider-test-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'k', value: 'hello infra' }] });
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `provider-test-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const received = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no record consumed within 20 s')), 20_000);
    void consumer
      .run({
        eachMessage: async ({ message }) => {
          clearTimeout(timer);
          resolve(message.value?.toString() ?? '');
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  assert.equal(received, 'hello infra');

  const redis = new Redis(infra.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await redis.set('provider-test', 'ok', 'EX', 60);
    assert.equal(await redis.get('provider-test'), 'ok');
  } finally {
    redis.disconnect();
  }
}
