// Real parts for this service's integration tests: a redis-server on a free port and services started from their
// main.ts as child processes (waited on until their "ready" log line). Everything started here is stopped by the
// returned stop functions, and killed when the test process exits, so no process outlives a test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

const REPO_ROOT = new URL('../../..', import.meta.url).pathname;
const live = new Set<ChildProcess>();
process.once('exit', () => live.forEach((child) => child.kill('SIGKILL')));

/** Why the test cannot run here (skip), or undefined. With CI=true a missing tool fails instead. */
export function missingTool(): string | undefined {
  if (spawnSync('redis-server', ['--version'], { timeout: 5000 }).status === 0) return undefined;
  const reason = 'redis-server is not installed (apt-get install redis-server)';
  if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  return reason;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export type LogLine = Record<string, unknown> & { msg?: string };

export class Child {
  readonly lines: LogLine[] = [];
  private readonly proc: ChildProcess;
  private readonly exited: Promise<number | null>;
  private buffered = '';
  private waiters: { pred: (l: LogLine) => boolean; done: (l: LogLine) => void }[] = [];

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: Record<string, string>,
  ) {
    this.proc = spawn(command, args, {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.proc);
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => (live.delete(this.proc), resolve(code))));
    this.proc.stdout?.on('data', (chunk: Buffer) => this.onOutput(chunk.toString('utf8')));
    this.proc.stderr?.on('data', (chunk: Buffer) => this.lines.push({ msg: chunk.toString('utf8'), stderr: true }));
  }

  static service(name: string, service: string, env: Record<string, string>): Child {
    return new Child(name, process.execPath, ['--import', 'tsx', join('services', service, 'main.ts')], env);
  }

  private onOutput(text: string): void {
    const parts = (this.buffered + text).split('\n');
    this.buffered = parts.pop() ?? '';
    for (const part of parts.filter((p) => p.trim() !== '')) {
      let line: LogLine;
      try {
        line = JSON.parse(part) as LogLine;
      } catch {
        line = { msg: part };
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.pred(line) ? (w.done(line), false) : true));
    }
  }

  recentOutput(): string {
    return this.lines
      .slice(-20)
      .map((l) => JSON.stringify(l))
      .join('\n');
  }

  /** The first log line matching pred; rejects when the process exits first or timeoutMs passes. */
  waitForLine(pred: (l: LogLine) => boolean, what: string, timeoutMs = 30_000): Promise<LogLine> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name}: no ${what} in ${timeoutMs} ms\n${this.recentOutput()}`)),
        timeoutMs,
      );
      this.waiters.push({ pred, done: (l) => (clearTimeout(timer), resolve(l)) });
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code}) before ${what}\n${this.recentOutput()}`));
      });
    });
  }

  async ready(): Promise<string> {
    const line = await this.waitForLine((l) => l.msg === 'ready', '"ready" line', 60_000);
    return String(line.grpcAddress);
  }

  /** SIGTERM, SIGKILL after graceMs; the exit code. */
  async stop(graceMs = 10_000): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGTERM');
      const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
      const code = await this.exited;
      clearTimeout(timer);
      return code;
    }
    return this.exited;
  }
}

export async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const redis = new Child(
    'redis',
    'redis-server',
    ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1'],
    {},
  );
  await redis.waitForLine((l) => /Ready to accept connections/.test(String(l.msg)), 'redis ready line');
  return { url: `redis://127.0.0.1:${port}`, stop: async () => void (await redis.stop()) };
}
