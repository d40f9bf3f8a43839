// Child processes for tests: started with a bounded life, output collected, always killed in cleanup.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export const KCAT = '/usr/bin/kcat';

/** kcat is required in CI; elsewhere a test may skip with this message. */
export function kcatMissing(): string | null {
  if (existsSync(KCAT)) return null;
  if (process.env.CI === 'true') throw new Error(`${KCAT} is missing: CI must install kcat (Debian package "kcat")`);
  return `${KCAT} not installed: skipping (apt-get install kcat)`;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion (killed after timeoutMs), feeding it `input` on stdin. */
export function run(
  cmd: string,
  args: string[],
  input: string | Buffer | null = null,
  timeoutMs = 60_000,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${cmd} ${args.join(' ')} did not finish within ${timeoutMs} ms; stderr: ${stderr.slice(-500)}`),
      );
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (input !== null) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** A long-running child whose output lines can be awaited. */
export class LiveProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  private readonly listeners = new Set<() => void>();
  exited: Promise<number | null>;

  constructor(cmd: string, args: string[]) {
    this.child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => {
      this.stdout += d.toString();
      this.listeners.forEach((l) => l());
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderr += d.toString();
      this.listeners.forEach((l) => l());
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Resolves with the first match of `re` in stdout+stderr, or rejects after timeoutMs. */
  waitFor(re: RegExp, timeoutMs: number, stream: 'stdout' | 'stderr' | 'both' = 'both'): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const text = stream === 'stdout' ? this.stdout : stream === 'stderr' ? this.stderr : this.stdout + this.stderr;
        const m = text.match(re);
        if (!m) return false;
        cleanup();
        resolve(m);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no ${re} within ${timeoutMs} ms; stdout: ${this.stdout.slice(-300)} stderr: ${this.stderr.slice(-300)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => void check();
      this.listeners.add(listener);
      check();
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Debian's python3 with python3-kafka (kafka-python 2.0.2), not whatever python3 is first on PATH. */
export const PYTHON = '/usr/bin/python3';

/** kafka-python is required in CI (.ci/run installs python3-kafka); elsewhere a test may skip. */
export function kafkaPythonMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import kafka, snappy, lz4, zstandard'], { stdio: 'ignore' });
  if (probe.status === 0) return null;
  const why = `${PYTHON} cannot import kafka, snappy, lz4 and zstandard`;
  const fix = 'apt-get install python3-kafka python3-snappy python3-lz4 python3-zstandard';
  if (process.env.CI === 'true') throw new Error(`${why}: CI must install them (${fix})`);
  return `${why}: skipping (${fix})`;
}
