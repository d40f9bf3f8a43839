// One supervised service process: spawned with its environment, ready once it logs "ready" and its gRPC health
// check answers SERVING, restarted with exponential backoff when it dies on its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ConsumerLatencyRequest } from '../../lib/chaos-channel';
import { checkHealth, ServingStatus } from '../../lib/grpc/health';
import { askChild, ChaosChannelError } from './chaos-request';
import { LineSplitter, parseLogLine } from './log-lines';
import { nodeCommand, type HostProcess, type NodeCommand } from './node-command';
import type { LogLine, ServiceHealth, ServiceProgram, ServiceState, ServiceStatus } from './status';
import { backoffMs } from '../../lib/backoff';
import { EnvReader } from '../../lib/config';

export interface ServiceSpec {
  /** "im-repo", "im-logic", "gw-1", "im-task". */
  name: string;
  program: ServiceProgram;
  grpcPort: number;
  httpPort?: number;
  /** The environment for the next start (dependencies' addresses are read at each start). */
  env(): Record<string, string>;
}

export interface ServiceProcessOptions {
  projectRoot: string;
  /** Longest wait for the "ready" line (tsx compiles each service on its first start). */
  readyTimeoutMs?: number;
  /** Longest wait for SERVING after "ready". */
  healthTimeoutMs?: number;
  /** Longest graceful stop before SIGKILL (the services give themselves 15 s). */
  stopTimeoutMs?: number;
  /** Backoff before the first restart; doubled per crash in a row, up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Running this long counts as recovered: the next crash starts the backoff afresh. */
  stableAfterMs?: number;
  /** The process whose Node (or Electron) binary runs the service; this process unless a test describes another. */
  host?: HostProcess;
}

export interface RestartNotice {
  name: string;
  reason: string;
  delayMs: number;
  restarts: number;
}

interface ServiceProcessEvents {
  status: [ServiceStatus];
  log: [LogLine];
  restarting: [RestartNotice];
  restartFailed: [name: string, error: Error];
}

/** A service did not come up; the message carries its last output so the cause is visible. */
export class ServiceStartError extends Error {
  override name = 'ServiceStartError';
}

const RECENT_OUTPUT_LINES = 15;

/** tsx as this module resolves it, so services load TypeScript whatever the project root's node_modules holds. */
export const TSX_LOADER = resolveTsx();

/**
 * The command that runs one service program (services/<program>/main.ts), for the supervisor and for tests that
 * start a lone service. GOCHAT_CPU_PROF_DIR: every service writes a V8 CPU profile there when it exits
 * (docs/performance.md).
 */
export function serviceCommand(program: string, env: NodeJS.ProcessEnv, host: HostProcess = process): NodeCommand {
  const profileDir = new EnvReader(process.env).optionalString('GOCHAT_CPU_PROF_DIR');
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return nodeCommand([...profile, '--import', TSX_LOADER, `services/${program}/main.ts`], env, host);
}

function resolveTsx(): string {
  try {
    return import.meta.resolve('tsx');
  } catch {
    return 'tsx';
  }
}

export class ServiceProcess extends EventEmitter<ServiceProcessEvents> {
  private child: ChildProcess | undefined;
  private state: ServiceState = 'stopped';
  private health: ServiceHealth = 'unknown';
  private startedAtMs: number | null = null;
  private lastExitCode: number | null | undefined;
  private restarts = 0;
  /** SIGSTOPped by a chaos control and not yet resumed. */
  private paused = false;
  /** Chaos latency in effect in the running process (the process forgets it when it ends, and so does this). */
  private consumerLatencyMs = 0;
  private chaosRequests = 0;
  private crashesInARow = 0;
  /** Whether the process should be running; false after stop() or a failed first start. */
  private wanted = false;
  /** Set after the first successful start: only then is a crash answered with a restart. */
  private superviseCrashes = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** "code 1" or "SIGKILL": how the last process ended, for messages. */
  private lastExitReason = '';
  private readonly recentOutput: string[] = [];
  private readonly exitWaiters = new Set<() => void>();
  private readyWaiter: (() => void) | undefined;
  private readonly options: Required<ServiceProcessOptions>;

  constructor(
    readonly spec: ServiceSpec,
    options: ServiceProcessOptions,
  ) {
    super();
    this.options = {
      readyTimeoutMs: 90_000,
      healthTimeoutMs: 30_000,
      stopTimeoutMs: 20_000,
      initialBackoffMs: 500,
      maxBackoffMs: 30_000,
      stableAfterMs: 10_000,
      host: process,
      ...options,
    };
  }

  get name(): string {
    return this.spec.name;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  status(): ServiceStatus {
    const addresses: Record<string, string> = { grpc: `127.0.0.1:${this.spec.grpcPort}` };
    if (this.spec.httpPort !== undefined) addresses.http = `127.0.0.1:${this.spec.httpPort}`;
    const status: ServiceStatus = {
      name: this.spec.name,
      kind: 'service',
      state: this.state,
      health: this.health,
      pid: this.pid,
      port: this.spec.grpcPort,
      addresses,
      startedAtMs: this.startedAtMs,
      restarts: this.restarts,
    };
    if (this.lastExitCode !== undefined) status.lastExitCode = this.lastExitCode;
    if (this.paused) status.paused = true;
    if (this.consumerLatencyMs > 0) status.consumerLatencyMs = this.consumerLatencyMs;
    return status;
  }

  /** Starts the process and resolves once it is ready and SERVING; rejects (and leaves it stopped) otherwise. */
  async start(): Promise<void> {
    if (this.child) return;
    this.wanted = true;
    this.clearRestartTimer();
    try {
      await this.launch();
      this.superviseCrashes = true;
    } catch (err) {
      const stopRequested = !this.wanted;
      this.wanted = false;
      await this.killNow();
      this.setState(stopRequested ? 'stopped' : 'crashed', 'unknown');
      throw err;
    }
  }

  /** Graceful stop: SIGTERM, then SIGKILL if it takes longer than the stop timeout. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.clearRestartTimer();
    const child = this.child;
    if (!child) {
      this.setState('stopped', 'unknown');
      return;
    }
    this.setState('stopping', this.health);
    const exited = this.waitForExit();
    child.kill('SIGTERM');
    // a paused process would hold the SIGTERM until the stop timeout
    if (this.paused) child.kill('SIGCONT');
    const timer = setTimeout(() => child.kill('SIGKILL'), this.options.stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /**
   * Chaos controls. kill: SIGKILL, answered like any crash (restart after the backoff). pause: SIGSTOP, so it
   * holds its sockets but answers nothing (a hung process). resume: SIGCONT. False when it is not running.
   */
  signal(action: 'kill' | 'pause' | 'resume'): boolean {
    const child = this.child;
    if (!child || this.state !== 'running') return false;
    if (action === 'kill') child.kill('SIGKILL');
    else {
      child.kill(action === 'pause' ? 'SIGSTOP' : 'SIGCONT');
      this.paused = action === 'pause';
      this.setState(this.state, this.health);
    }
    return true;
  }

  /**
   * Chaos: asks the running process, over its IPC channel, to wait ms before each batch its Kafka consumers
   * handle (0 clears it). Resolves with the consumer groups it applies to; rejects when the process is not
   * running, is paused (it could not answer), consumes nothing, or refused the value.
   */
  async setConsumerLatency(ms: number): Promise<{ ms: number; groups: string[] }> {
    const child = this.child;
    if (!child || this.state !== 'running') throw new ChaosChannelError(`${this.name} is not running (${this.state})`);
    if (this.paused) throw new ChaosChannelError(`${this.name} is paused; resume it first`);
    const request: ConsumerLatencyRequest = { type: 'chaos.consumer-latency', id: ++this.chaosRequests, ms };
    const reply = await askChild(child, this.name, request);
    if (!reply.ok) throw new ChaosChannelError(`${this.name} refused: ${reply.error}`);
    if (reply.groups.length === 0 && reply.ms > 0) {
      // Nothing there to slow down: take it back rather than show a latency that acts on nothing.
      child.send({ ...request, id: ++this.chaosRequests, ms: 0 });
      throw new ChaosChannelError(`${this.name} runs no Kafka consumer; consumer latency applies to consumers only`);
    }
    if (this.child === child) {
      this.consumerLatencyMs = reply.ms;
      this.setState(this.state, this.health);
    }
    return { ms: reply.ms, groups: reply.groups };
  }

  /** Synchronous last resort for process exit handlers: nothing may outlive the supervisor. */
  killImmediately(): void {
    this.wanted = false;
    this.clearRestartTimer();
    this.child?.kill('SIGKILL');
  }

  private async launch(): Promise<void> {
    this.setState('starting', 'unknown');
    const readyLine = new Promise<void>((resolve) => {
      this.readyWaiter = resolve;
    });
    const child = this.spawnChild();
    const exitedEarly = this.waitForExit().then(() => {
      throw new ServiceStartError(
        `${this.name} exited (${this.lastExitReason}) before it was ready. Last output:\n${this.recentOutput.join('\n')}`,
      );
    });
    const readyTimer = delay(this.options.readyTimeoutMs);
    const timedOut = readyTimer.promise.then(() => {
      throw new ServiceStartError(`${this.name} did not log "ready" within ${this.options.readyTimeoutMs} ms`);
    });
    try {
      await Promise.race([readyLine, exitedEarly, timedOut]);
      await Promise.race([this.waitUntilServing(child), exitedEarly]);
    } finally {
      readyTimer.cancel();
      // After a successful start these settle only when the process later exits; nobody awaits them then.
      exitedEarly.catch(() => undefined);
      timedOut.catch(() => undefined);
    }
    this.setState('running', 'serving');
  }

  private spawnChild(): ChildProcess {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.spec.env() };
    // A test runner's marker must not make a service think it is a test file.
    delete env.NODE_TEST_CONTEXT;
    // Its own process group: a Ctrl-C in the terminal reaches only the supervisor, which stops services in order.
    const node = serviceCommand(this.spec.program, env, this.options.host);
    const child = spawn(node.command, node.args, {
      cwd: this.options.projectRoot,
      env: node.env,
      // The IPC channel carries chaos settings into the process (lib/chaos-channel.ts).
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      detached: true,
    });
    this.child = child;
    this.startedAtMs = Date.now();
    this.recentOutput.length = 0;
    for (const stream of ['stdout', 'stderr'] as const) {
      const splitter = new LineSplitter();
      const source = child[stream];
      source?.on('data', (chunk: Buffer) => {
        for (const line of splitter.push(chunk)) this.onOutputLine(line, stream);
      });
      source?.on('end', () => {
        for (const line of splitter.flush()) this.onOutputLine(line, stream);
      });
    }
    child.on('error', (err) => this.onOutputLine(`spawn failed: ${err.message}`, 'stderr'));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    return child;
  }

  private onOutputLine(raw: string, stream: 'stdout' | 'stderr'): void {
    this.recentOutput.push(raw);
    if (this.recentOutput.length > RECENT_OUTPUT_LINES) this.recentOutput.shift();
    const line = parseLogLine(this.name, raw, stream);
    if (line.msg === 'ready' && raw.startsWith('{')) {
      this.readyWaiter?.();
      this.readyWaiter = undefined;
    }
    this.emit('log', line);
  }

  private async waitUntilServing(child: ChildProcess): Promise<void> {
    const address = `127.0.0.1:${this.spec.grpcPort}`;
    const deadline = Date.now() + this.options.healthTimeoutMs;
    let lastProblem = 'no answer';
    while (this.child === child) {
      try {
        const status = await checkHealth(address, '', 2000);
        if (status === ServingStatus.SERVING) return;
        lastProblem = `status ${ServingStatus[status]}`;
      } catch (err) {
        lastProblem = (err as Error).message;
      }
      if (Date.now() > deadline) {
        throw new ServiceStartError(`${this.name} is not SERVING on ${address} after ready: ${lastProblem}`);
      }
      await delay(200).promise;
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.paused = false;
    this.consumerLatencyMs = 0;
    this.lastExitCode = code;
    this.lastExitReason = signal ?? `code ${String(code)}`;
    for (const waiter of this.exitWaiters) waiter();
    this.exitWaiters.clear();
    if (!this.wanted || !this.superviseCrashes) {
      if (!this.wanted) this.setState('stopped', 'unknown');
      return;
    }
    const uptimeMs = Date.now() - (this.startedAtMs ?? Date.now());
    if (uptimeMs >= this.options.stableAfterMs) this.crashesInARow = 0;
    const delayMs = backoffMs(this.crashesInARow, {
      initialMs: this.options.initialBackoffMs,
      maxMs: this.options.maxBackoffMs,
    });
    this.crashesInARow += 1;
    this.restarts += 1;
    this.setState('crashed', 'unknown');
    const reason = signal ? `killed by ${signal}` : `exited with ${this.lastExitReason}`;
    this.emit('restarting', { name: this.name, reason, delayMs, restarts: this.restarts });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.wanted) return;
      // A failed relaunch ends in another exit, which schedules the next attempt with a longer backoff.
      this.launch().catch((err: Error) => {
        if (!this.wanted) return; // Stopped on request while relaunching: not a failure.
        this.emit('restartFailed', this.name, err);
        this.child?.kill('SIGKILL');
      });
    }, delayMs);
  }

  private waitForExit(): Promise<void> {
    if (!this.child) return Promise.resolve();
    return new Promise((resolve) => this.exitWaiters.add(resolve));
  }

  private async killNow(): Promise<void> {
    if (!this.child) return;
    const exited = this.waitForExit();
    this.child.kill('SIGKILL');
    await exited;
  }

  private clearRestartTimer(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private setState(state: ServiceState, health: ServiceHealth): void {
    this.state = state;
    this.health = health;
    this.emit('status', this.status());
  }
}

function delay(ms: number): { promise: Promise<void>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}
