// kafkajs's idempotent producer against lost acknowledgements: a proxy cuts the connection instead of
// relaying some Produce responses, kafkajs retries the same batches, and the broker stores each record once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from './index';
import { DroppingProxy } from './test-support/dropping-proxy';
import { makeTempDir, recordingLogger } from './test-support/temp-dir';

test('retries after lost acknowledgements store no duplicates', { timeout: 60_000 }, async () => {
  const dir = makeTempDir('idempotence');
  const proxy = await DroppingProxy.start([3, 10, 20]);
  const broker = await startBroker({
    dataDir: dir.path,
    logger: recordingLogger(),
    advertise: { host: '127.0.0.1', port: proxy.port },
  });
  proxy.upstreamPort = broker.port;
  try {
    await broker.createTopic('receipts', 1);
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${proxy.port}`],
      clientId: 'idempotent-test',
      logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 50, retries: 8 },
    });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let send = 0; send < 30; send++) {
      const messages = [...Array(10).keys()].map((k) => ({ value: String(send * 10 + k) }));
      await producer.send({ topic: 'receipts', messages });
    }
    await producer.disconnect();
    assert.equal(proxy.droppedResponses, 3, 'the proxy should have cut three acknowledgements');
    assert.ok(
      proxy.produceRequests >= 33,
      `kafkajs should have retried (saw ${proxy.produceRequests} Produce requests)`,
    );
    const stored = await broker.readRecords('receipts', 0, 0, 1000);
    assert.deepEqual(
      stored.map((r) => Number(String(r.value))),
      [...Array(300).keys()],
    );
  } finally {
    await broker.stop();
    await proxy.stop();
    dir.remove();
  }
});
