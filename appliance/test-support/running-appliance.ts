// Test helper: `gochat up` as a real child process, with its stdout read line by line so tests wait on the
// lines it prints (ready, restarts) instead of sleeping.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dataDirLayout, readApplianceRecord, type ApplianceRecord, type DataDirLayout } from '../supervisor/data-dir';
import { LineSplitter } from '../supervisor/log-lines';
import { Wakeups } from './wakeups';

export const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
export const GOCHAT_BIN = join(PROJECT_ROOT, 'bin', 'gochat.mjs');

const createdDirs: string[] = [];

/** A fresh data dir, removed when the test process exits. */
export function tempDataDir(): string {
  if (createdDirs.length === 0) {
    process.once('exit', () => {
      for (const dir of createdDirs) rmSync(dir, { recursive: true, force: true });
    });
  }
  const dir = mkdtempSync(join(tmpdir(), 'gochat-appliance-'));
  createdDirs.push(dir);
  return dir;
}

export interface GochatResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a short gochat command (status, down, reset, a refused up) to completion. Asynchronous on purpose: the
 * test's own clients (WebSockets closing, pipes) must keep being served meanwhile.
 */
export function runGochat(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string } = {},
): Promise<GochatResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [GOCHAT_BIN, ...args], {
      cwd: PROJECT_ROOT,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolveRun({ status, stdout, stderr });
    });
  });
}

export class RunningAppliance {
  readonly layout: DataDirLayout;
  readonly output: string[] = [];
  private readonly arrivals = new Wakeups();
  private exited = false;
  private readonly exitCode: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    dataDir: string,
  ) {
    this.layout = dataDirLayout(dataDir);
    const splitter = new LineSplitter();
    const onChunk = (chunk: Buffer): void => {
      for (const line of splitter.push(chunk)) this.output.push(line);
      this.arrivals.notify();
    };
    child.stdout?.on('data', onChunk);
    child.stderr?.on('data', onChunk);
    this.exitCode = new Promise((resolveExit) => {
      child.on('exit', (code) => {
        this.exited = true;
        this.arrivals.notify();
        resolveExit(code);
      });
    });
  }

  /** Starts `gochat up` with the given flags (data dir and a free admin port are added). */
  static start(args: string[], dataDir = tempDataDir(), env: NodeJS.ProcessEnv = process.env): RunningAppliance {
    const child = spawn(process.execPath, [GOCHAT_BIN, 'up', '--data-dir', dataDir, '--admin-port', '0', ...args], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new RunningAppliance(child, dataDir);
  }

  /** The first output line (counting from `from`) matching the pattern; fails with the output so far on timeout. */
  async waitForLine(pattern: RegExp, timeoutMs: number, from = 0): Promise<{ line: string; index: number }> {
    return this.arrivals.until(
      () => {
        const index = this.output.findIndex((line, i) => i >= from && pattern.test(line));
        return index >= 0 ? { line: this.output[index] as string, index } : undefined;
      },
      {
        timeoutMs,
        hopeless: () =>
          this.exited ? `gochat up exited before printing ${String(pattern)}:\n${this.output.join('\n')}` : undefined,
        timeoutMessage: () => `no line matching ${String(pattern)} within ${timeoutMs} ms:\n${this.output.join('\n')}`,
      },
    );
  }

  record(): ApplianceRecord {
    const record = readApplianceRecord(this.layout);
    if (!record) throw new Error(`no appliance.json in ${this.layout.root}`);
    return record;
  }

  gatewayHttpUrl(name = 'gw-1'): string {
    const http = this.record().services.find((service) => service.name === name)?.addresses.http;
    if (!http) throw new Error(`${name} has no http address in appliance.json`);
    return `http://${http}`;
  }

  /** Resolves with the exit code once `gochat up` has exited; rejects if it is still running after the timeout. */
  async exit(timeoutMs = 120_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gochat up still running after ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exitCode, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Last-resort cleanup for a test that failed midway. */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
