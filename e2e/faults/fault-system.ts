// A whole GoChat system of real processes for fault tests: the broker (infra/kafka-broker/main.ts), redis-server,
// and im-repo, im-logic, two gateways and im-task started as the appliance starts them (the supervisor's plan and
// ServiceProcess), each on a port fixed for the whole test, so that any one of them can be killed with SIGKILL and
// started again where the others (and the clients) look for it, as the supervisor does. Unlike the supervisor, the
// harness restarts nothing by itself: the test decides when a killed component comes back.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { freePorts } from '../../infra/providers/free-port';
import { startRedisServerProcess, type RedisServerProcess } from '../../infra/providers/redis-server-process';
import type { RunningInfra } from '../../infra/providers/infra';
import { dataDirLayout } from '../../appliance/supervisor/data-dir';
import { planServices } from '../../appliance/supervisor/service-plan';
import { ServiceProcess } from '../../appliance/supervisor/service-process';
import { REPO_ROOT } from '../support/service-process';

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
  const layout = dataDirLayout(dataDir);
  mkdirSync(layout.logsDir);
  const [kafkaPort, redisPort] = (await freePorts(2)) as [number, number];
  const infra: RunningInfra = {
    kind: 'external',
    reason: 'the fault harness runs the broker and redis-server as processes it can kill',
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    components: [],
    stop: async () => undefined,
  };
  // ports are chosen here, once: a component started again is found where the others look for it
  const plan = await planServices({ layout, infra, gateways: 2, tokenSecret: TOKEN_SECRET });
  const services = new Map<Component, ServiceProcess>();
  const logFiles: WriteStream[] = [];
  for (const spec of plan.flat()) {
    const proc = new ServiceProcess(spec, { projectRoot: REPO_ROOT });
    const file = createWriteStream(join(layout.logsDir, `${spec.name}.log`));
    logFiles.push(file);
    proc.on('log', (line) => file.write(`${JSON.stringify(line)}\n`));
    services.set(spec.name as Component, proc);
  }
  // the services run in process groups of their own: none may outlive this test process, however it ends
  process.once('exit', () => {
    for (const proc of services.values()) proc.killImmediately();
  });
  const gatewayAddresses = ['gw-1', 'gw-2'].map((name) => services.get(name as Component)!.status().addresses.http!);

  let broker: BrokerProcess | undefined;
  let redis: RedisServerProcess | undefined;
  let db: Database.Database | undefined;

  const start = async (component: Component): Promise<void> => {
    if (component === 'kafka') {
      broker = new BrokerProcess(kafkaPort, join(dataDir, 'kafka'));
      await broker.listening;
    } else if (component === 'redis') {
      // with a dump in the data dir, as the appliance runs it
      redis = await startRedisServerProcess({ port: redisPort, dataDir: join(dataDir, 'redis') });
      liveRedis.add(redis.pid);
    } else await services.get(component)!.start();
  };

  const kill = async (component: Component): Promise<void> => {
    if (component === 'kafka') await broker?.stop('SIGKILL');
    else if (component === 'redis') {
      if (redis) process.kill(redis.pid, 'SIGKILL');
      await redis?.exited;
    } else {
      // not wanted any more, then SIGKILL: the supervisor's ServiceProcess would restart a crash on its own
      const proc = services.get(component)!;
      proc.killImmediately();
      await proc.stop();
    }
  };

  const stop = async (): Promise<void> => {
    db?.close();
    for (const stage of [...plan].reverse())
      await Promise.all(stage.map((spec) => services.get(spec.name as Component)?.stop()));
    await Promise.all(logFiles.map((file) => new Promise((resolve) => file.end(resolve))));
    await redis?.stop();
    await broker?.stop();
    if (process.env.GOCHAT_E2E_KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    await start('kafka');
    await start('redis');
    // the appliance's start order: each stage once the one before it is up
    for (const stage of plan) await Promise.all(stage.map((spec) => start(spec.name as Component)));
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
  return {
    dataDir,
    gatewayAddresses,
    redisUrl: infra.redisUrl,
    db: () => (db ??= new Database(layout.sqliteFile, { readonly: true, fileMustExist: true })),
    kill,
    start,
    stop,
  };
}
