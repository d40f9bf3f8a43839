// A real `redis-server` run as a child process on a free port, with its dump in a directory of our choosing.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { freePort } from './free-port';

export interface RedisServerProcess {
  url: string;
  port: number;
  pid: number;
  /** Settles when the process exits, for whatever reason (stop() included). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface RedisServerProcessOptions {
  /** Where dump.rdb and the append-only log live; no persistence when omitted. */
  dataDir?: string;
  /** 0 or omitted: a free port. */
  port?: number;
  binary?: string;
  startTimeoutMs?: number;
  /** Each line redis-server prints (its own log). */
  onOutput?: (line: string) => void;
}

export class RedisServerUnavailableError extends Error {
  override name = 'RedisServerUnavailableError';
}

/** The redis-server binary on PATH, or undefined when it is not installed. */
export function findRedisServerBinary(binary = 'redis-server'): string | undefined {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 5000 });
  return probe.status === 0 ? binary : undefined;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts redis-server and resolves once it answers on its port. */
export async function startRedisServerProcess(options: RedisServerProcessOptions = {}): Promise<RedisServerProcess> {
  const binary = options.binary ?? 'redis-server';
  const port = options.port && options.port > 0 ? options.port : await freePort();
  // The append-only log (fsynced every second) keeps presence across a kill -9 of redis-server: restarted on its
  // data, it still knows who is online instead of showing everyone offline until the next heartbeats.
  const persistence = options.dataDir
    ? [
        '--dir',
        options.dataDir,
        '--dbfilename',
        'dump.rdb',
        '--save',
        '60 1',
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
      ]
    : ['--save', '', '--appendonly', 'no'];
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn(
    binary,
    ['--bind', '127.0.0.1', '--port', String(port), '--protected-mode', 'yes', ...persistence],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  let partialLine = '';
  const keep = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    output = (output + text).slice(-4000);
    if (!options.onOutput) return;
    const lines = (partialLine + text).split('\n');
    partialLine = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') options.onOutput(line.trimEnd());
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const spawnFailure = new Promise<Error>((resolve) => child.once('error', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  for (;;) {
    const failed = await Promise.race([
      spawnFailure,
      new Promise<undefined>((r) => setTimeout(() => r(undefined), 50)),
    ]);
    if (failed) throw new RedisServerUnavailableError(`could not run ${binary}: ${failed.message}`, { cause: failed });
    if (child.exitCode !== null || child.signalCode !== null) {
      const how = child.signalCode ?? `code ${String(child.exitCode)}`;
      throw new RedisServerUnavailableError(`${binary} exited (${how}): ${output.trim()}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new RedisServerUnavailableError(`${binary} did not accept connections on port ${port}: ${output.trim()}`);
    }
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    exited,
    stop: async () => {
      // SIGTERM makes redis-server write its dump before exiting when saving is on.
      child.kill('SIGTERM');
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    },
  };
}
