// A whole GoChat system for one test: the embedded broker in-process, a real redis-server, and im-repo, im-logic,
// im-task and one or two gateways as child processes with the environment contract, each awaited until "ready".
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { startBroker, type Broker } from '../../infra/kafka-broker';
import { type EventType } from '../../lib/kafka/registry';
import { readEvents, readTopic, waitForTopicEvent, type AnyTopicEvent, type TopicEvent } from './topic-events';
import { startRedis, type RedisProcess } from './redis';
import { ServiceProcess } from './service-process';

export interface SystemOptions {
  gateways?: 1 | 2;
  /** Presence TTL of the gateways (ms); short values let expiry be observed. */
  presenceTtlMs?: number;
}

export interface GatewayEndpoint {
  gatewayId: string;
  httpAddress: string;
  grpcAddress: string;
  process: ServiceProcess;
}

export interface RunningSystem {
  dataDir: string;
  broker: Broker;
  redisUrl: string;
  sqlitePath: string;
  services: ServiceProcess[];
  gateways: GatewayEndpoint[];
  /** An ioredis client on the system's Redis (closed by stop). */
  redis(): Redis;
  /** The im-repo SQLite file, opened read-only (closed by stop). */
  db(): Database.Database;
  readTopic(topic: string): Promise<AnyTopicEvent[]>;
  readEvents<K extends EventType>(topic: string, type: K): Promise<TopicEvent<K>[]>;
  waitForEvent<K extends EventType>(
    topic: string,
    type: K,
    pred: (e: TopicEvent<K>) => boolean,
    timeoutMs?: number,
  ): Promise<TopicEvent<K>>;
  /** Stops a gateway gracefully (if it still runs) and starts it again with the same GATEWAY_ID (new ports). */
  restartGateway(gatewayId: string): Promise<GatewayEndpoint>;
  stop(): Promise<void>;
}

const TOKEN_SECRET = 'e2e-token-secret-0123456789abcdef';

export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gochat-e2e-'));
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir);
  const sqlitePath = join(dataDir, 'gochat.db');
  const services: ServiceProcess[] = [];
  let broker: Broker | undefined;
  let redisProcess: RedisProcess | undefined;
  let redisClient: Redis | undefined;
  let db: Database.Database | undefined;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // Gateways first (they mark their users offline through im-repo), then the rest.
    const gateways = services.filter((s) => s.name.startsWith('gw-'));
    await Promise.all(gateways.map((s) => s.stop()));
    await Promise.all(services.filter((s) => !gateways.includes(s)).map((s) => s.stop()));
    db?.close();
    redisClient?.disconnect();
    await redisProcess?.stop();
    await broker?.stop();
    if (process.env.GOCHAT_E2E_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    broker = await startBroker({ dataDir: join(dataDir, 'kafka'), port: 0, initialRebalanceDelayMs: 100 });
    redisProcess = await startRedis();
    const common = {
      // info at least: the "ready" line the harness waits for is an info line.
      GOCHAT_LOG_LEVEL: 'info',
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: '0',
      KAFKA_BROKERS: broker.address,
      GOCHAT_DATA_DIR: dataDir,
    };
    const start = async (name: string, service: string, env: Record<string, string>) => {
      const proc = new ServiceProcess(name, service, { ...common, GOCHAT_INSTANCE_ID: name, ...env }, logDir);
      services.push(proc);
      const ready = await proc.waitForReady();
      return { proc, grpcAddress: String(ready.grpcAddress), ready };
    };

    const repo = await start('im-repo-1', 'im-repo', { REDIS_URL: redisProcess.url, SQLITE_PATH: sqlitePath });
    const [logic] = await Promise.all([
      start('im-logic-1', 'im-logic', { REPO_ADDR: repo.grpcAddress, TOKEN_SECRET }),
      start('im-task-1', 'im-task', { REPO_ADDR: repo.grpcAddress }),
    ]);
    const gatewayIds = options.gateways === 2 ? ['gw-1', 'gw-2'] : ['gw-1'];
    const startGateway = async (gatewayId: string): Promise<GatewayEndpoint> => {
      const gw = await start(gatewayId, 'im-gateway', {
        GATEWAY_ID: gatewayId,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        LOGIC_ADDR: logic.grpcAddress,
        REPO_ADDR: repo.grpcAddress,
        ...(options.presenceTtlMs ? { GATEWAY_PRESENCE_TTL_MS: String(options.presenceTtlMs) } : {}),
      });
      return { gatewayId, httpAddress: String(gw.ready.httpAddress), grpcAddress: gw.grpcAddress, process: gw.proc };
    };
    const gateways = await Promise.all(gatewayIds.map(startGateway));

    const sys: RunningSystem = {
      dataDir,
      broker,
      redisUrl: redisProcess.url,
      sqlitePath,
      services,
      gateways,
      redis: () => (redisClient ??= new Redis(redisProcess!.url, { lazyConnect: false, maxRetriesPerRequest: 1 })),
      db: () => (db ??= new Database(sqlitePath, { readonly: true, fileMustExist: true })),
      readTopic: (topic) => readTopic(broker!, topic),
      readEvents: (topic, type) => readEvents(broker!, topic, type),
      waitForEvent: (topic, type, pred, timeoutMs) => waitForTopicEvent(broker!, topic, type, pred, timeoutMs),
      restartGateway: async (gatewayId) => {
        const index = gateways.findIndex((g) => g.gatewayId === gatewayId);
        if (index < 0) throw new Error(`no gateway ${gatewayId}`);
        await gateways[index]!.process.stop();
        const fresh = await startGateway(gatewayId);
        gateways[index] = fresh;
        return fresh;
      },
      stop,
    };
    return sys;
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}

/** Polls a condition that has no event to wait on (state in Redis or SQLite), for at most timeoutMs. */
export async function waitUntil(cond: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}
