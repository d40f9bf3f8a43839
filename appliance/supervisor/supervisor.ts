// The supervisor: starts the infrastructure, then im-repo, im-logic, the gateways and im-task; keeps them
// running; records the appliance in its data dir; and offers start/stop/restart/logs of each process to the
// appliance API (it satisfies the console's ApplianceControl).
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hostPort, InfraHealth } from './infra-health';
import { startInfra } from '../../infra/providers/index';
import type { InfraMode, RunningInfra } from '../../infra/providers/infra';
import {
  acquireLock,
  dataDirLayout,
  readApplianceRecord,
  tokenSecret,
  writeApplianceRecord,
  type ApplianceRecord,
  type DataDirLayout,
} from './data-dir';
import { LogFiles, LogRing, parseLogLine } from './log-lines';
import { OrphanGuard } from './orphan-guard';
import { previousPorts, type PreviousPorts } from './previous-ports';
import { childPidsOf, isApplianceChild } from './processes';
import { planServices } from './service-plan';
import { startSpanCollector, type RunningSpanCollector } from './span-collector';
import { ChaosChannelError } from './chaos-request';
import { ServiceProcess, TSX_LOADER, type RestartNotice } from './service-process';
import type { LogLine, ServiceStatus, Unsubscribe } from './status';
import { ChaosRefusedError } from '../api/http/errors';
import type { ChaosAction, ReportedSpan } from '../api/ports';
import { EnvReader } from '../../lib/config';
import { createLogger, type Logger } from '../../lib/log';

/** No group or other permission bits on anything created while the appliance runs. */
const PRIVATE_UMASK = 0o077;

export interface SupervisorOptions {
  dataDir: string;
  infra: InfraMode;
  gateways: number;
  /** Environment that KAFKA_BROKERS / REDIS_URL are read from for external infra. */
  env?: NodeJS.ProcessEnv;
  /** The repository root the services are started from. */
  projectRoot?: string;
  /** One line per lifecycle step (starting, ready, restarting, stopping). */
  progress?: (line: string) => void;
  logLevel?: string;
  /**
   * Whether the services export their spans to the supervisor for the flow view. Default: GOCHAT_TRACING=on, else
   * off, because recording and exporting a span per RPC, record and frame costs about a third of the message
   * path's throughput (`gochat bench --case tracing`); off, services record no spans (trace ids still travel on
   * the wire, and the flow view draws what the appliance observes itself).
   */
  tracing?: boolean;
}

interface SupervisorEvents {
  status: [ServiceStatus];
  log: [LogLine];
  spans: [ReportedSpan[]];
}

/** A name that is not one of the supervised processes. */
export class UnknownServiceError extends Error {
  override name = 'UnknownServiceError';
}

/**
 * The repository root the services are started from: the nearest folder above this file that holds
 * services/im-repo/main.ts. Searched rather than fixed because bundlers (electron-vite) move this code elsewhere.
 */
export function findProjectRoot(from = import.meta.dirname): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'services', 'im-repo', 'main.ts'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the project root (services/) above ${from}`);
  }
}

export class Supervisor {
  readonly layout: DataDirLayout;
  private readonly events = new EventEmitter<SupervisorEvents>();
  private readonly rings = new Map<string, LogRing>();
  private readonly progress: (line: string) => void;
  private logFiles: LogFiles | undefined;
  private releaseLock: (() => void) | undefined;
  /** The process's umask before startAll made it owner-only; put back on shutdown. */
  private previousUmask: number | undefined;
  private runningInfra: RunningInfra | undefined;
  private stages: ServiceProcess[][] = [];
  private startedAt: Date | undefined;
  private adminEndpoint: { url: string; port: number } | null = null;
  private consoleUrl: string | null = null;
  private shuttingDown: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private startSettled = false;
  private stopRequested = false;
  private infraStopped = false;
  private infraHealth: InfraHealth | undefined;
  private orphanGuard: OrphanGuard | undefined;
  private spanCollector: RunningSpanCollector | undefined;
  /** Infra components (redis-server) paused by a chaos control, by pid. */
  private readonly pausedInfra = new Set<number>();
  /** Where the previous run on this data dir served; reused where free, so addresses stay stable. */
  readonly previousPorts: PreviousPorts;
  private readonly exitGuard = (): void => {
    for (const service of this.processes()) service.killImmediately();
  };

  constructor(private readonly options: SupervisorOptions) {
    this.layout = dataDirLayout(options.dataDir);
    this.progress = options.progress ?? (() => undefined);
    this.events.setMaxListeners(100);
    this.previousPorts = previousPorts(readApplianceRecordSafely(this.layout));
  }

  get infra(): RunningInfra | undefined {
    return this.runningInfra;
  }

  /** Base URLs of the gateways' HTTP/WebSocket APIs ("http://127.0.0.1:port"). */
  gatewayUrls(): string[] {
    return this.processes()
      .filter((service) => service.spec.httpPort !== undefined)
      .map((service) => `http://127.0.0.1:${String(service.spec.httpPort)}`);
  }

  /** Takes the data dir, starts the infra and every service in order; throws (after cleaning up) on failure. */
  async startAll(): Promise<void> {
    if (this.starting) throw new Error('startAll() runs once per Supervisor; create another to start again');
    this.starting = this.startInOrder().finally(() => {
      this.startSettled = true;
    });
    try {
      await this.starting;
    } catch (err) {
      await this.shutdown();
      throw err;
    }
  }

  private async startInOrder(): Promise<void> {
    this.releaseLock = acquireLock(this.layout);
    // Files created from here on, by this process (the in-process broker, logs) and by the children that inherit
    // the mask (SQLite, Kafka segments, redis-server's dump), are owner-only: the data dir holds user data.
    this.previousUmask ??= process.umask(PRIVATE_UMASK);
    this.startedAt = new Date();
    process.once('exit', this.exitGuard);
    this.killLeftoversOfPreviousRun();
    const projectRoot = this.options.projectRoot ?? findProjectRoot();
    this.orphanGuard = new OrphanGuard(projectRoot, TSX_LOADER);
    this.logFiles = new LogFiles(this.layout.logsDir);
    const env = this.options.env ?? process.env;
    this.runningInfra = await startInfra(this.options.infra, {
      dataDir: this.layout.root,
      env,
      progress: this.progress,
      loggers: { kafka: this.infraLogger('kafka'), redis: this.infraLogger('redis') },
      onComponentChange: (component) => {
        if (component.pid !== null) this.pausedInfra.delete(component.pid);
        this.guardChildren();
        const status = this.services().find((entry) => entry.name === component.name);
        if (status) this.events.emit('status', status);
        this.writeRecordNow();
      },
      embeddedRedis: embeddedRedisChoice(env),
      preferredPorts: { kafka: this.previousPorts.kafka, redis: this.previousPorts.redis },
    });
    this.guardChildren();
    this.infraHealth = new InfraHealth(
      () => this.runningInfra?.components ?? [],
      (name) => {
        const status = this.services().find((entry) => entry.name === name);
        if (status) this.events.emit('status', status);
      },
    );
    this.infraHealth.start();
    this.throwIfStopRequested();
    const tracing = this.options.tracing ?? new EnvReader(env).oneOf('GOCHAT_TRACING', ['on', 'off'], 'off') === 'on';
    if (tracing) this.spanCollector = await startSpanCollector((spans) => this.events.emit('spans', spans));
    const plan = await planServices({
      layout: this.layout,
      infra: this.runningInfra,
      gateways: this.options.gateways,
      tokenSecret: tokenSecret(this.layout),
      ...(this.options.logLevel ? { logLevel: this.options.logLevel } : {}),
      previous: this.previousPorts,
      ...(this.spanCollector ? { otlpUrl: this.spanCollector.url } : {}),
    });
    this.stages = plan.map((stage) => stage.map((spec) => this.supervise(new ServiceProcess(spec, { projectRoot }))));
    for (const stage of this.stages) {
      this.throwIfStopRequested();
      this.progress(`starting ${stage.map((service) => service.name).join(', ')}`);
      await Promise.all(stage.map((service) => service.start()));
      for (const service of stage) {
        this.progress(
          `${service.name}: ready (pid ${String(service.pid)}, grpc ${service.status().addresses.grpc ?? '?'})`,
        );
      }
    }
    this.throwIfStopRequested();
    this.writeRecordNow();
  }

  private throwIfStopRequested(): void {
    if (this.stopRequested) throw new Error('start interrupted by a stop request');
  }

  /** Records where the console is served, for appliance.json and `gochat status`. */
  setAdminEndpoint(endpoint: { url: string; port: number }, consoleUrl: string): void {
    this.adminEndpoint = endpoint;
    this.consoleUrl = consoleUrl;
    this.writeRecordNow();
  }

  /**
   * Stops services in reverse order, then the infra; releases the data dir. Safe to call more than once, and
   * during startAll(): the services being started are stopped at once so the start gives up promptly.
   */
  shutdown(): Promise<void> {
    if (!this.stopRequested) {
      this.stopRequested = true;
      if (this.starting && !this.startSettled) {
        for (const service of this.processes()) void service.stop();
      }
    }
    this.shuttingDown ??= (async () => {
      await this.starting?.catch(() => undefined);
      await this.doShutdown();
    })();
    return this.shuttingDown;
  }

  services(): ServiceStatus[] {
    const infra: ServiceStatus[] = (this.runningInfra?.components ?? []).map((component) => ({
      name: component.name,
      kind: 'infra',
      state: this.infraStopped ? 'stopped' : this.shuttingDown ? 'stopping' : 'running',
      health: this.infraHealth?.of(component.name) ?? 'unknown',
      pid: component.pid,
      port: hostPort(component.address)?.port ?? null,
      addresses: { [component.name]: component.address },
      startedAtMs: this.startedAt?.getTime() ?? null,
      restarts: 0,
      ...(component.pid !== null && this.pausedInfra.has(component.pid) ? { paused: true } : {}),
    }));
    return [...infra, ...this.processes().map((service) => service.status())];
  }

  async stop(name: string): Promise<void> {
    await this.service(name).stop();
  }

  async start(name: string): Promise<void> {
    await this.service(name).start();
  }

  async restart(name: string): Promise<void> {
    await this.service(name).restart();
  }

  async chaos(name: string, action: ChaosAction): Promise<void> {
    const service = this.processes().find((entry) => entry.name === name);
    if (service) {
      if (!service.signal(action)) throw new ChaosRefusedError(`${name} is not running (${service.status().state})`);
      this.progress(`chaos: ${action} ${name}`);
      return;
    }
    const component = (this.runningInfra?.components ?? []).find((entry) => entry.name === name);
    if (!component) {
      this.service(name); // throws, naming the services there are
      return;
    }
    const pid = component.pid;
    if (pid === null || pid === process.pid) {
      throw new ChaosRefusedError(
        `${name} runs inside the supervisor process (${component.description}); it cannot be ${action === 'kill' ? 'killed' : `${action}d`} on its own`,
      );
    }
    process.kill(pid, action === 'kill' ? 'SIGKILL' : action === 'pause' ? 'SIGSTOP' : 'SIGCONT');
    if (action === 'pause') this.pausedInfra.add(pid);
    else this.pausedInfra.delete(pid);
    this.progress(`chaos: ${action} ${name} (pid ${pid})`);
    const status = this.services().find((entry) => entry.name === name);
    if (status) this.events.emit('status', status);
  }

  async consumerLatency(name: string, ms: number): Promise<{ ms: number; groups: string[] }> {
    if ((this.runningInfra?.components ?? []).some((entry) => entry.name === name)) {
      throw new ChaosRefusedError(`${name} is infrastructure; consumer latency applies to the services' consumers`);
    }
    const service = this.service(name); // throws, naming the services there are
    try {
      const applied = await service.setConsumerLatency(ms);
      this.progress(`chaos: ${name} consumer latency ${applied.ms} ms (${applied.groups.join(', ')})`);
      return applied;
    } catch (err) {
      if (err instanceof ChaosChannelError) throw new ChaosRefusedError(err.message);
      throw err;
    }
  }

  logs(name: string): LogLine[] {
    return this.rings.get(name)?.snapshot() ?? [];
  }

  onStatus(listener: (status: ServiceStatus) => void): Unsubscribe {
    this.events.on('status', listener);
    return () => this.events.off('status', listener);
  }

  onLog(listener: (line: LogLine) => void): Unsubscribe {
    this.events.on('log', listener);
    return () => this.events.off('log', listener);
  }

  tracing(): boolean {
    return this.spanCollector !== undefined;
  }

  onSpans(listener: (spans: ReportedSpan[]) => void): Unsubscribe {
    this.events.on('spans', listener);
    return () => this.events.off('spans', listener);
  }

  record(): ApplianceRecord {
    const infra = this.runningInfra;
    return {
      version: 1,
      supervisorPid: process.pid,
      startedAt: (this.startedAt ?? new Date()).toISOString(),
      running: this.shuttingDown === undefined,
      ...(this.shuttingDown ? { stoppedAt: new Date().toISOString() } : {}),
      dataDir: this.layout.root,
      infra: {
        kind: infra?.kind ?? 'none',
        reason: infra?.reason ?? '',
        kafkaBrokers: infra?.kafkaBrokers ?? '',
        redisUrl: infra?.redisUrl ?? '',
        components: infra?.components ?? [],
      },
      admin: this.adminEndpoint,
      consoleUrl: this.consoleUrl,
      services: this.services(),
    };
  }

  private processes(): ServiceProcess[] {
    return this.stages.flat();
  }

  private service(name: string): ServiceProcess {
    const found = this.processes().find((service) => service.name === name);
    if (found) return found;
    const infraNames = (this.runningInfra?.components ?? []).map((component) => component.name);
    if (infraNames.includes(name as 'kafka')) {
      throw new UnknownServiceError(
        `${name} is infrastructure and runs for the whole appliance; use \`gochat down\` to stop it`,
      );
    }
    throw new UnknownServiceError(
      `no service "${name}"; services: ${this.processes()
        .map((s) => s.name)
        .join(', ')}`,
    );
  }

  private supervise(service: ServiceProcess): ServiceProcess {
    service.on('status', (status) => {
      this.guardChildren();
      this.events.emit('status', status);
      // Written at once, so appliance.json never names a pid that is already gone for long.
      if (this.startedAt) this.writeRecordNow();
      if (status.state === 'running' && status.restarts > 0) {
        this.progress(`${status.name}: running again (pid ${String(status.pid)})`);
      }
    });
    service.on('log', (line) => this.recordLine(line));
    service.on('restarting', (notice: RestartNotice) =>
      this.progress(
        `${notice.name}: ${notice.reason}; restarting in ${notice.delayMs} ms (restart #${notice.restarts})`,
      ),
    );
    service.on('restartFailed', (name, err) =>
      this.progress(`${name}: restart failed: ${err.message.split('\n')[0] ?? ''}`),
    );
    return service;
  }

  /** A pino logger for an infra component whose JSON lines are stored like a service's stdout. */
  private infraLogger(component: 'kafka' | 'redis'): Logger {
    return createLogger({
      service: component,
      instance: component,
      destination: { write: (raw: string) => this.recordLine(parseLogLine(component, raw.trimEnd(), 'stdout')) },
    });
  }

  private recordLine(line: LogLine): void {
    let ring = this.rings.get(line.service);
    if (!ring) this.rings.set(line.service, (ring = new LogRing()));
    ring.add(line);
    this.logFiles?.append(line.service, line.raw);
    this.events.emit('log', line);
  }

  /** Tells the orphan guard which processes to stop should this supervisor die without stopping them. */
  private guardChildren(): void {
    const pids = [
      ...this.processes().map((service) => service.pid),
      ...(this.runningInfra?.components ?? []).map((component) => component.pid),
    ].filter((pid): pid is number => pid !== null && pid !== process.pid);
    this.orphanGuard?.watch(pids);
  }

  /** Children of a supervisor that was killed outright would otherwise hold ports and files. */
  private killLeftoversOfPreviousRun(): void {
    const previous = readApplianceRecordSafely(this.layout);
    if (!previous) return;
    for (const pid of childPidsOf(previous).filter(isApplianceChild)) {
      const name = previous.services.find((entry) => entry.pid === pid)?.name ?? '?';
      this.progress(`stopping ${name} (pid ${pid}) left over from a previous run`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone in between.
      }
    }
  }

  private writeRecordNow(): void {
    try {
      writeApplianceRecord(this.layout, this.record());
    } catch (err) {
      this.progress(`could not write ${this.layout.applianceFile}: ${(err as Error).message}`);
    }
  }

  private async doShutdown(): Promise<void> {
    for (const stage of [...this.stages].reverse()) {
      const running = stage.filter((service) => service.pid !== null || service.status().state === 'crashed');
      if (running.length > 0) this.progress(`stopping ${running.map((service) => service.name).join(', ')}`);
      await Promise.all(stage.map((service) => service.stop()));
    }
    await this.spanCollector?.close();
    if (this.runningInfra) {
      this.infraHealth?.stop();
      // a paused redis-server would hold its SIGTERM (and its last dump) until stopped by force
      for (const pid of this.pausedInfra) {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone already
        }
      }
      this.progress(`stopping infra (${this.runningInfra.kind})`);
      await this.runningInfra.stop().catch((err: Error) => this.progress(`infra did not stop cleanly: ${err.message}`));
      this.infraStopped = true;
    }
    if (this.startedAt) this.writeRecordNow();
    await this.logFiles?.close();
    process.off('exit', this.exitGuard);
    this.orphanGuard?.release();
    this.releaseLock?.();
    this.releaseLock = undefined;
    if (this.previousUmask !== undefined) process.umask(this.previousUmask);
    this.previousUmask = undefined;
  }
}

/** GOCHAT_EMBEDDED_REDIS=resp runs the embedded RESP server even where redis-server is installed. */
function embeddedRedisChoice(env: NodeJS.ProcessEnv): 'auto' | 'resp' {
  return new EnvReader(env).oneOf('GOCHAT_EMBEDDED_REDIS', ['auto', 'resp'], 'auto');
}

function readApplianceRecordSafely(layout: DataDirLayout): ApplianceRecord | undefined {
  try {
    return readApplianceRecord(layout);
  } catch {
    return undefined;
  }
}
