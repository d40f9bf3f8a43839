// One GoChat service run as a real child process, started with the supervisor's command for it (serviceCommand),
// its JSON log lines kept in memory and in a file, with a wait for its "ready" line.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { serviceCommand } from '../../appliance/supervisor/service-process';

export const REPO_ROOT = new URL('../..', import.meta.url).pathname;

export type LogLine = Record<string, unknown> & { msg?: string; level?: string };

/** Every child started here, so that none outlives the test process even when a test dies half-way. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export class ServiceProcess {
  readonly lines: LogLine[] = [];
  private readonly child: ChildProcess;
  private readonly logFile: WriteStream | undefined;
  private tail = '';
  private readonly exited: Promise<number | null>;
  private lineWaiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = [];
  /** Set when the test itself stops or kills the process; any other exit is reported as a crash. */
  private expectingExit = false;

  constructor(
    readonly name: string,
    service: string,
    env: Record<string, string>,
    /** Where <name>.log is written; no file when omitted. */
    logDir?: string,
  ) {
    this.logFile = logDir ? createWriteStream(join(logDir, `${name}.log`)) : undefined;
    // The supervisor's own command for a service, with only the environment the test gives (and PATH, HOME).
    const node = serviceCommand(service, { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env });
    this.child = spawn(node.command, node.args, { cwd: REPO_ROOT, env: node.env, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.child);
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        live.delete(this.child);
        if (!this.expectingExit) {
          process.stderr.write(
            `[e2e] ${this.name} exited unexpectedly (code ${code}, signal ${signal}); last output:\n${this.recentOutput()}\n`,
          );
        }
        resolve(code);
      });
    });
    this.child.stdout!.on('data', (chunk: Buffer) => this.onOutput(chunk));
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.logFile?.write(chunk);
      this.tail = (this.tail + chunk.toString('utf8')).slice(-4000);
    });
  }

  private onOutput(chunk: Buffer): void {
    this.logFile?.write(chunk);
    const text = this.tail + chunk.toString('utf8');
    const parts = text.split('\n');
    this.tail = parts.pop() ?? '';
    for (const part of parts) {
      if (!part.trim()) continue;
      let line: LogLine;
      try {
        line = JSON.parse(part) as LogLine;
      } catch {
        line = { msg: part, level: 'raw' };
      }
      this.lines.push(line);
      this.lineWaiters = this.lineWaiters.filter((w) => (w.pred(line) ? (w.resolve(line), false) : true));
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last lines of output, for error messages. */
  recentOutput(count = 15): string {
    return this.lines
      .slice(-count)
      .map((l) => JSON.stringify(l))
      .concat(this.tail ? [this.tail] : [])
      .join('\n');
  }

  /** Resolves with the first log line matching pred; rejects when the process exits first or time runs out. */
  waitForLine(pred: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name}: no ${what} within ${timeoutMs} ms; last output:\n${this.recentOutput()}`));
      }, timeoutMs);
      const waiter = {
        pred,
        resolve: (l: LogLine) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      this.lineWaiters.push(waiter);
      void this.exited.then((code) => {
        clearTimeout(timer);
        this.lineWaiters = this.lineWaiters.filter((w) => w !== waiter);
        reject(new Error(`${this.name} exited (code ${code}) before ${what}; last output:\n${this.recentOutput()}`));
      });
    });
  }

  waitForReady(timeoutMs = 60_000): Promise<LogLine> {
    return this.waitForLine((l) => l.msg === 'ready', timeoutMs, '"ready" log line');
  }

  /** Waits for "ready" and returns the gRPC address it announced. */
  async grpcAddress(timeoutMs = 60_000): Promise<string> {
    return String((await this.waitForReady(timeoutMs)).grpcAddress);
  }

  /** SIGTERM (graceful shutdown), then SIGKILL if it is still running after graceMs. Resolves with the exit code. */
  async stop(graceMs = 10_000): Promise<number | null> {
    this.expectingExit = true;
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      const code = await this.exited;
      clearTimeout(timer);
      await this.closeLog();
      return code;
    }
    const code = await this.exited;
    await this.closeLog();
    return code;
  }

  private closeLog(): Promise<void> {
    return new Promise<void>((resolve) => (this.logFile ? this.logFile.end(resolve) : resolve()));
  }

  kill(): void {
    this.expectingExit = true;
    this.child.kill('SIGKILL');
  }
}
