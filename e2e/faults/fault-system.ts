// A whole GoChat system of real processes for fault tests: the broker (infra/kafka-broker/main.ts), redis-server,
// im-repo, im-logic, im-task and two gateways, each on a port fixed for the whole test, so that any one of them
// can be killed with SIGKILL and started again where the others (and the clients) look for it, as the
// supervisor does.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePorts } from '../../infra/providers/free-port';
import { startRedisServerProcess, type RedisServerProcess } from '../../infra/providers/redis-server-process';
import { REPO_ROOT, ServiceProcess } from '../support/service-process';

export type Component = 'kafka' | 'redis' | 'im-repo' | 'im-logic' | 'im-task' | 'gw-1' | 'gw-2';

const TOKEN_SECRET = 'fault-token-secret-0123456789abcdef';

/** The broker as its own process, so it can be killed outright; killed with the test process at the latest. */
class BrokerProcess {
  private readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly listening: Promise<void>;

  constructor(port: number, dataDir: string) {
    this.child = spawn(
      process.execPath,
      ['--import', 'tsx', 'infra/kafka-broker/main.ts', '--port', String(port), '--data-dir', dataDir],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    liveBrokers.add(this.child);
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
    void this.exited.then(() => liveBrokers.delete(this.child));
    let output = '';
    this.listening = new Promise((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        output += chunk.toString('utf8');
        if (output.includes('kafka broker listening on')) resolve();
      };
      this.child.stdout!.on('data', onData);
      this.child.stderr!.on('data', onData);
      void this.exited.then(() => reject(new Error(`the broker exited before listening:\n${output.slice(-2000)}`)));
    });
    this.listening.catch(() => undefined);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

const liveBrokers = new Set<ChildProcess>();
const liveRedis = new Set<number>();
process.once('exit', () => {
  for (const child of liveBrokers) child.kill('SIGKILL');
  for (const pid of liveRedis) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export interface FaultSystem {
  dataDir: string;
  gatewayAddresses: string[];
  redisUrl: string;
  /** The im-repo SQLite file, opened read-only. */
  db(): Database.Database;
  /** SIGKILL, as a crash would. */
  kill(component: Component): Promise<void>;
  /** Starts it again on the same ports and data; resolves once it is ready. */
  start(component: Component): Promise<void>;
  stop(): Promise<void>;
}

export async function startFaultSystem(): Promise<FaultSystem> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gochat-faults-'));
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir);
  const sqlitePath = join(dataDir, 'gochat.db');
  const [kafkaPort, redisPort, repoPort, logicPort, taskPort, gw1Grpc, gw1Http, gw2Grpc, gw2Http] = (await freePorts(
    9,
  )) as [number, number, number, number, number, number, number, number, number];
  const kafka = `127.0.0.1:${kafkaPort}`;
  const repoAddr = `127.0.0.1:${repoPort}`;
  const logicAddr = `127.0.0.1:${logicPort}`;
  const common = (name: string, grpcPort: number): Record<string, string> => ({
    GOCHAT_LOG_LEVEL: 'info',
    GOCHAT_INSTANCE_ID: name,
    GOCHAT_DATA_DIR: dataDir,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    KAFKA_BROKERS: kafka,
  });
  const gateway = (id: string, grpcPort: number, httpPort: number) => ({
    service: 'im-gateway',
    env: {
      ...common(id, grpcPort),
      GATEWAY_ID: id,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      LOGIC_ADDR: logicAddr,
      REPO_ADDR: repoAddr,
    },
  });
  const specs: Record<Exclude<Component, 'kafka' | 'redis'>, { service: string; env: Record<string, string> }> = {
    'im-repo': {
      service: 'im-repo',
      env: { ...common('im-repo', repoPort), REDIS_URL: `redis://127.0.0.1:${redisPort}`, SQLITE_PATH: sqlitePath },
    },
    'im-logic': { service: 'im-logic', env: { ...common('im-logic', logicPort), REPO_ADDR: repoAddr, TOKEN_SECRET } },
    'im-task': { service: 'im-task', env: { ...common('im-task', taskPort), REPO_ADDR: repoAddr } },
    'gw-1': gateway('gw-1', gw1Grpc, gw1Http),
    'gw-2': gateway('gw-2', gw2Grpc, gw2Http),
  };

  let broker: BrokerProcess | undefined;
  let redis: RedisServerProcess | undefined;
  const services = new Map<Component, ServiceProcess>();
  let db: Database.Database | undefined;

  const start = async (component: Component): Promise<void> => {
    if (component === 'kafka') {
      broker = new BrokerProcess(kafkaPort, join(dataDir, 'kafka'));
      await broker.listening;
    } else if (component === 'redis') {
      // with a dump in the data dir, as the appliance runs it
      redis = await startRedisServerProcess({ port: redisPort, dataDir: join(dataDir, 'redis') });
      liveRedis.add(redis.pid);
    } else {
      const spec = specs[component];
      const proc = new ServiceProcess(component, spec.service, spec.env, logDir);
      services.set(component, proc);
      await proc.waitForReady();
    }
  };

  const kill = async (component: Component): Promise<void> => {
    if (component === 'kafka') await broker?.stop('SIGKILL');
    else if (component === 'redis') {
      if (redis) process.kill(redis.pid, 'SIGKILL');
      await redis?.exited;
    } else {
      const proc = services.get(component);
      proc?.kill();
      await proc?.stop();
    }
  };

  const stop = async (): Promise<void> => {
    db?.close();
    await Promise.all(['gw-1', 'gw-2'].map((name) => services.get(name as Component)?.stop()));
    await Promise.all(['im-logic', 'im-task'].map((name) => services.get(name as Component)?.stop()));
    await services.get('im-repo')?.stop();
    await redis?.stop();
    await broker?.stop();
    if (process.env.GOCHAT_E2E_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await start('kafka');
    await start('redis');
    await start('im-repo');
    await Promise.all([start('im-logic'), start('im-task')]);
    await Promise.all([start('gw-1'), start('gw-2')]);
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return {
    dataDir,
    gatewayAddresses: [`127.0.0.1:${gw1Http}`, `127.0.0.1:${gw2Http}`],
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    db: () => (db ??= new Database(sqlitePath, { readonly: true, fileMustExist: true })),
    kill,
    start,
    stop,
  };
}
