// A whole GoChat system for one test: the embedded broker in-process, a real redis-server, and the services started
// the way the appliance starts them: the supervisor's plan (repo -> logic -> gateways -> task, its environment
// contract and ports) and its ServiceProcess (ready line, then gRPC SERVING). The harness differs only where a test
// needs control: a crashed service stays down until the test starts it.
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { startBroker, type Broker } from '../../infra/kafka-broker';
import type { RunningInfra } from '../../infra/providers/infra';
import { type EventType } from '../../lib/kafka/registry';
import { dataDirLayout } from '../../appliance/supervisor/data-dir';
import { planServices } from '../../appliance/supervisor/service-plan';
import { ServiceProcess, type ServiceSpec } from '../../appliance/supervisor/service-process';
import { readEvents, readTopic, waitForTopicEvent, type AnyTopicEvent, type TopicEvent } from './topic-events';
import { startRedis, type RedisProcess } from './redis';
import { REPO_ROOT } from './service-process';

export interface SystemOptions {
  gateways?: 1 | 2;
  /** Presence TTL of the gateways (ms); short values let expiry be observed. */
  presenceTtlMs?: number;
}

/** A test's hold on one service process. */
export interface ServiceHandle {
  readonly name: string;
  /** SIGKILL, as a crash would; unlike in the appliance, nothing restarts it. */
  kill(): void;
  /** Graceful stop (SIGTERM); resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface GatewayEndpoint {
  gatewayId: string;
  httpAddress: string;
  grpcAddress: string;
  process: ServiceHandle;
}

export interface RunningSystem {
  dataDir: string;
  broker: Broker;
  redisUrl: string;
  sqlitePath: string;
  services: ServiceHandle[];
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
  /** Stops a gateway gracefully (if it still runs) and starts it again, as the appliance restarts one (same ports). */
  restartGateway(gatewayId: string): Promise<GatewayEndpoint>;
  stop(): Promise<void>;
}

const TOKEN_SECRET = 'e2e-token-secret-0123456789abcdef';

function handle(proc: ServiceProcess): ServiceHandle {
  return {
    name: proc.name,
    // wanted=false first: the supervisor's ServiceProcess restarts a crash, a test's kill must stay a crash
    kill: () => proc.killImmediately(),
    stop: async () => {
      await proc.stop();
      return proc.status().lastExitCode ?? null;
    },
  };
}

export async function startSystem(options: SystemOptions = {}): Promise<RunningSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gochat-e2e-'));
  const layout = dataDirLayout(dataDir);
  mkdirSync(layout.logsDir);
  const stages: ServiceProcess[][] = [];
  const logFiles: WriteStream[] = [];
  let broker: Broker | undefined;
  let redisProcess: RedisProcess | undefined;
  let redisClient: Redis | undefined;
  let db: Database.Database | undefined;
  let stopped = false;

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // in the reverse of the start order, as the supervisor stops them
    for (const stage of [...stages].reverse()) await Promise.all(stage.map((s) => s.stop()));
    await Promise.all(logFiles.map((file) => new Promise((resolve) => file.end(resolve))));
    db?.close();
    redisClient?.disconnect();
    await redisProcess?.stop();
    await broker?.stop();
    if (process.env.GOCHAT_E2E_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    broker = await startBroker({ dataDir: join(dataDir, 'kafka'), port: 0, initialRebalanceDelayMs: 100 });
    redisProcess = await startRedis();
    const infra: RunningInfra = {
      kind: 'embedded',
      reason: 'the e2e harness',
      kafkaBrokers: broker.address,
      redisUrl: redisProcess.url,
      components: [],
      embeddedBroker: broker,
      stop: async () => undefined,
    };
    const plan = await planServices({ layout, infra, gateways: options.gateways ?? 1, tokenSecret: TOKEN_SECRET });
    // the one setting a test adds to the plan: a short presence TTL, so expiry can be watched
    const ttl = options.presenceTtlMs;
    const withTtl = (spec: ServiceSpec): ServiceSpec =>
      spec.program === 'im-gateway' && ttl
        ? { ...spec, env: () => ({ ...spec.env(), GATEWAY_PRESENCE_TTL_MS: String(ttl) }) }
        : spec;
    for (const specs of plan) {
      const stage = specs.map((spec) => {
        const proc = new ServiceProcess(withTtl(spec), { projectRoot: REPO_ROOT });
        // each service's lines in logs/<name>.log, for reading after a failure (GOCHAT_E2E_KEEP=1)
        const file = createWriteStream(join(layout.logsDir, `${spec.name}.log`));
        logFiles.push(file);
        proc.on('log', (line) => file.write(`${JSON.stringify(line)}\n`));
        return proc;
      });
      stages.push(stage);
      // the services run in process groups of their own: none may outlive this test process, however it ends
      process.once('exit', () => {
        for (const proc of stage) proc.killImmediately();
      });
      await Promise.all(stage.map((proc) => proc.start()));
    }
    const all = stages.flat();
    const endpoint = (proc: ServiceProcess): GatewayEndpoint => {
      const { addresses } = proc.status();
      return {
        gatewayId: proc.name,
        httpAddress: addresses.http!,
        grpcAddress: addresses.grpc!,
        process: handle(proc),
      };
    };
    const gatewayProcs = all.filter((proc) => proc.spec.program === 'im-gateway');
    const gateways = gatewayProcs.map(endpoint);

    const sys: RunningSystem = {
      dataDir,
      broker,
      redisUrl: redisProcess.url,
      sqlitePath: layout.sqliteFile,
      services: all.map(handle),
      gateways,
      redis: () => (redisClient ??= new Redis(redisProcess!.url, { lazyConnect: false, maxRetriesPerRequest: 1 })),
      db: () => (db ??= new Database(layout.sqliteFile, { readonly: true, fileMustExist: true })),
      readTopic: (topic) => readTopic(broker!, topic),
      readEvents: (topic, type) => readEvents(broker!, topic, type),
      waitForEvent: (topic, type, pred, timeoutMs) => waitForTopicEvent(broker!, topic, type, pred, timeoutMs),
      restartGateway: async (gatewayId) => {
        const index = gateways.findIndex((g) => g.gatewayId === gatewayId);
        const proc = gatewayProcs[index];
        if (!proc) throw new Error(`no gateway ${gatewayId}`);
        await proc.restart();
        const fresh = endpoint(proc);
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
