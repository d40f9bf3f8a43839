// How fast im-logic turns upstream records into stored messages and downstream records, end to end through real
// parts: embedded broker, im-repo (redis-server + SQLite in a temp dir) and im-logic started from their main.ts.
//   node --import tsx services/im-logic/bench/upstream-throughput.ts [messages=500] [conversations=1]
// Prints messages per second and the median / p95 latency from publishing an upstream record to its downstream
// record, for one run. Timings on a shared 2-core machine are noisy: compare runs made side by side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../../../infra/kafka-broker';
import { call, connectClient } from '../../../lib/grpc';
import { EventPublisher, Topics } from '../../../lib/kafka';
import { silentLogger } from '../../../lib/log';
import { AuthServiceClient, SocialServiceClient } from '../../../proto/gen/gochat/logic/v1/logic';
import { missingPrerequisite, startRedis } from '../../../e2e/support/redis';
import { ServiceProcess } from '../../../e2e/support/service-process';
import { collectTopics } from '../../../e2e/support/topic-collector';

const total = Number(process.argv[2] ?? 500);
const conversations = Number(process.argv[3] ?? 1);
const missing = missingPrerequisite();
if (missing) {
  console.error(`skipped: ${missing}`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'im-logic-bench-'));
const broker = await startBroker({ dataDir: join(dir, 'kafka'), port: 0, initialRebalanceDelayMs: 50 });
const redis = await startRedis();
const common = { GRPC_HOST: '127.0.0.1', GRPC_PORT: '0', KAFKA_BROKERS: broker.address, GOCHAT_DATA_DIR: dir };
const repo = new ServiceProcess('im-repo', 'im-repo', {
  ...common,
  REDIS_URL: redis.url,
  SQLITE_PATH: join(dir, 'gochat.db'),
});
const repoAddress = await repo.grpcAddress();
const logic = new ServiceProcess('im-logic', 'im-logic', {
  ...common,
  REPO_ADDR: repoAddress,
  TOKEN_SECRET: 'bench-secret-0123456789',
});
const logicAddress = await logic.grpcAddress();
try {
  const auth = connectClient(AuthServiceClient, logicAddress);
  const social = connectClient(SocialServiceClient, logicAddress);
  const register = async (name: string) =>
    (await call(auth, 'register', { username: name, password: 'bench password', displayName: name })).user!.userId;
  const sender = await register('sender');
  const peers: string[] = [];
  for (let i = 0; i < conversations; i++) {
    const peer = await register(`peer${i}`);
    await call(social, 'addFriend', { userId: sender, friendId: peer });
    peers.push(peer);
  }
  const topics = await collectTopics([broker.address], [Topics.messagesDownstream]);
  const publisher = new EventPublisher({
    kafka: new Kafka({ clientId: 'bench', brokers: [broker.address], logLevel: logLevel.NOTHING }),
    producer: 'bench',
    logger: silentLogger(),
  });
  const sentAt = new Map<string, number>();
  const started = Date.now();
  await Promise.all(
    Array.from({ length: total }, async (_, i) => {
      const peer = peers[i % peers.length]!;
      const conv = sender < peer ? `p2p:${sender}:${peer}` : `p2p:${peer}:${sender}`;
      sentAt.set(`b${i}`, Date.now());
      await publisher.publish('message.upstream', conv, {
        senderId: sender,
        toUserId: peer,
        groupId: '',
        conversationId: '',
        clientMsgId: `b${i}`,
        contentType: '',
        body: `message ${i}`,
        originGatewayId: 'bench',
        originConnId: 'bench',
      });
    }),
  );
  const latencies: number[] = [];
  for (let i = 0; i < total; i++) {
    const e = await topics.waitFor(
      'message.downstream',
      (d) => d.message.clientMsgId === `b${i}`,
      `downstream b${i}`,
      300_000,
    );
    latencies.push(Number(e.meta?.occurredAtMs ?? 0) - (sentAt.get(`b${i}`) ?? 0));
  }
  const elapsed = Date.now() - started;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  console.log(
    `im-logic upstream -> downstream: ${total} messages over ${conversations} conversation(s) in ${elapsed} ms = ${Math.round((total * 1000) / elapsed)} msg/s; latency median ${pct(0.5)} ms, p95 ${pct(0.95)} ms`,
  );
  await topics.stop();
  await publisher.disconnect();
  auth.close();
  social.close();
} finally {
  await logic.stop();
  await repo.stop();
  await redis.stop();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
