// Kill -9 in the middle of an acks=-1 load, restart on the same data dir: every acknowledged record is there,
// in order, with nothing missing before it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from './index';
import { LiveProcess } from './test-support/processes';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const PARTITIONS = 2;
const KILL_AFTER_ACKED = 6000;

test('records acknowledged with acks=-1 survive a SIGKILL of the broker process', { timeout: 120_000 }, async () => {
  const dir = makeTempDir('crash');
  const brokerProcess = new LiveProcess(process.execPath, [
    '--import',
    'tsx',
    MAIN,
    '--port',
    '0',
    '--data-dir',
    dir.path,
  ]);
  try {
    const [, port] = await brokerProcess.waitFor(/kafka broker listening on 127\.0\.0\.1:(\d+)/, 30_000, 'stdout');
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${port}`],
      clientId: 'crash-test',
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: PARTITIONS }] });
    await admin.disconnect();

    const acked = [...Array(PARTITIONS)].map(() => 0);
    let killed = false;
    const producers = [...Array(PARTITIONS).keys()].map(async (partition) => {
      const producer = kafka.producer({ retry: { retries: 0 } });
      await producer.connect();
      try {
        for (let next = 0; !killed;) {
          const messages = [...Array(25).keys()].map((k) => ({
            partition,
            key: `k${next + k}`,
            value: String(next + k),
          }));
          await producer.send({ topic: 'durable', acks: -1, messages });
          next += messages.length;
          acked[partition] = next;
          if (!killed && acked.reduce((a, b) => a + b, 0) >= KILL_AFTER_ACKED) {
            killed = true;
            brokerProcess.child.kill('SIGKILL');
          }
        }
      } catch {
        // the broker died under this producer: expected once it is killed
      } finally {
        await producer.disconnect().catch(() => undefined);
      }
    });
    await Promise.all(producers);
    assert.ok(killed, 'the broker should have been killed mid-load');
    await brokerProcess.exited;

    const restarted = await startBroker({ dataDir: dir.path, logger: recordingLogger() });
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        const records = await restarted.readRecords('durable', p, 0, 1_000_000);
        const values = records.map((r) => Number(String(r.value)));
        assert.ok(
          values.length >= (acked[p] ?? 0),
          `partition ${p}: ${values.length} stored, ${acked[p]} acknowledged`,
        );
        assert.deepEqual(values, [...values.keys()], `partition ${p} must hold 0..n-1 in order`);
        assert.deepEqual(
          records.map((r) => r.offset),
          [...values.keys()],
        );
      }
    } finally {
      await restarted.stop();
    }
  } finally {
    await brokerProcess.stop('SIGKILL');
    dir.remove();
  }
});
