// The bench's handle on idle-connection generators (bench/load/idle-load.ts): splits the URLs between processes,
// opens them all, and reports how many are held and why the others failed.
import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { FromIdleLoad, ToIdleLoad } from './idle-load';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

export interface IdleResult {
  opened: number;
  /** Failed at first and tried once more (the failures are those that failed twice). */
  retried: number;
  failures: Record<string, number>;
  elapsedMs: number;
}

export class IdleFleet {
  private readonly children: ChildProcess[];

  constructor(processes: number) {
    this.children = Array.from({ length: processes }, () =>
      fork(join(import.meta.dirname, 'idle-load.ts'), [], {
        cwd: PROJECT_ROOT,
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
  }

  /** Opens every URL (split round-robin between the processes); `onProgress` hears the totals about once a second. */
  async open(
    urls: string[],
    concurrency: number,
    onProgress: (opened: number, failed: number) => void,
  ): Promise<IdleResult> {
    const started = Date.now();
    const latest = this.children.map(() => ({ opened: 0, failed: 0 }));
    const results = await Promise.all(
      this.children.map(
        (child, c) =>
          new Promise<IdleResult>((resolveOpen, reject) => {
            const onExit = (code: number | null): void => reject(new Error(`idle load generator exited (${code})`));
            child.once('exit', onExit);
            child.on('message', (message: FromIdleLoad) => {
              if (message.type === 'progress') {
                latest[c] = message;
                onProgress(
                  latest.reduce((n, p) => n + p.opened, 0),
                  latest.reduce((n, p) => n + p.failed, 0),
                );
              } else {
                child.off('exit', onExit);
                resolveOpen(message);
              }
            });
            const share = urls.filter((_, i) => i % this.children.length === c);
            child.send({ type: 'open', urls: share, concurrency } satisfies ToIdleLoad);
          }),
      ),
    );
    const failures: Record<string, number> = {};
    for (const result of results) {
      for (const [reason, n] of Object.entries(result.failures)) failures[reason] = (failures[reason] ?? 0) + n;
    }
    return {
      opened: results.reduce((n, r) => n + r.opened, 0),
      retried: results.reduce((n, r) => n + r.retried, 0),
      failures,
      elapsedMs: Date.now() - started,
    };
  }

  /** Closes every connection and waits for the processes to exit (killed after 10 s). */
  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const gone = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
        if (child.connected) child.send({ type: 'close' } satisfies ToIdleLoad);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await gone;
        clearTimeout(timer);
      }),
    );
  }
}
