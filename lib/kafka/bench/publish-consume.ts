// Publish and consume throughput of lib/kafka on the embedded broker (one process, this machine).
//   node --import tsx lib/kafka/bench/publish-consume.ts [count]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../../infra/kafka-broker/index';
import { createLogger } from '../../log';
import { createKafka, ensureTopics, EventPublisher, startEventConsumer, Topics } from '../index';

const count = Number(process.argv[2] ?? 2000);
const logger = createLogger({ service: 'bench', instance: 'bench', level: 'warn' });
const dataDir = mkdtempSync(join(tmpdir(), 'lib-kafka-bench-'));
const broker = await startBroker({ dataDir, port: 0 });
const kafka = createKafka({ brokers: [broker.address], clientId: 'bench', logger });
const publisher = new EventPublisher({
  kafka,
  producer: 'bench/1',
  logger,
  idempotent: !process.argv.includes('--plain'),
});
try {
  await ensureTopics(kafka, [Topics.messagesUpstream]);
  await publisher.connect();
  const body = (i: number) => ({
    senderId: 'u1',
    toUserId: 'u2',
    groupId: '',
    conversationId: `p2p:u1:u${i % 64}`,
    clientMsgId: `m-${i}`,
    contentType: 'text/plain',
    body: 'hello',
    originGatewayId: 'gw-1',
    originConnId: 'c1',
  });

  let started = performance.now();
  for (let i = 0; i < count; i++) await publisher.publish('message.upstream', body(i).conversationId, body(i));
  const sequentialMs = performance.now() - started;
  console.log(
    `publish, one at a time: ${count} in ${(sequentialMs / 1000).toFixed(2)} s = ${Math.round((count / sequentialMs) * 1000)}/s, ${(sequentialMs / count).toFixed(2)} ms each`,
  );

  started = performance.now();
  await Promise.all(
    Array.from({ length: count }, (_, i) => publisher.publish('message.upstream', body(i).conversationId, body(i))),
  );
  const concurrentMs = performance.now() - started;
  console.log(
    `publish, ${count} concurrent: ${(concurrentMs / 1000).toFixed(2)} s = ${Math.round((count / concurrentMs) * 1000)}/s`,
  );

  let seen = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  started = performance.now();
  const consumer = await startEventConsumer({
    kafka,
    groupId: 'bench',
    topics: [Topics.messagesUpstream],
    fromBeginning: true,
    logger,
    handle: async () => {
      if (++seen === count * 2) done();
    },
  });
  await all;
  const consumeMs = performance.now() - started;
  console.log(
    `consume (commit per fetched batch): ${count * 2} in ${(consumeMs / 1000).toFixed(2)} s = ${Math.round(((count * 2) / consumeMs) * 1000)}/s (including the group join)`,
  );
  await consumer.stop();
} finally {
  await publisher.disconnect();
  await broker.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
