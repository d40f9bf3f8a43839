// Group commit: callers that ask for durability wait for the next round of fsyncs, which covers everything written
// before it. A round starts after the event loop's current I/O callbacks (setImmediate), so the produce requests
// read together share it; callers that come while a round runs share the one after. Under load this turns one
// fsync per request into one per round.
import { fsync, fsyncSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export class FsyncBatcher {
  private waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private running = false;

  constructor(private readonly syncAll: () => Promise<void>) {}

  /** Resolves once everything written before this call is on disk. */
  wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => this.run());
      }
    });
  }

  private run(): void {
    const round = this.waiting;
    this.waiting = [];
    Promise.resolve()
      .then(this.syncAll)
      .then(
        () => round.forEach((w) => w.resolve()),
        (err: unknown) => round.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        if (this.waiting.length > 0) this.run();
        else this.running = false;
      })
      .catch(() => undefined);
  }
}

/**
 * Longest a round may be expected to hold the event loop (recent fsync time x its files, ms); a longer one goes to
 * the thread pool.
 */
export const INLINE_ROUND_LIMIT_MS = 1;
/** Weight of the newest fsync in the recent time. */
const RECENT_WEIGHT = 0.2;

export interface FsyncCalls {
  fsync: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void;
  fsyncSync: (fd: number) => void;
  now: () => number;
}

/**
 * Where a round's fsyncs run. Handing an fsync to libuv's thread pool costs two thread wake-ups (a worker, then the
 * event loop), which on a small virtual machine cost more CPU than a fast disk's fsync itself: at 1,000 msgs/s the
 * broker's process spent a sixth to a quarter of its CPU on those hand-offs. So while a round is expected to be
 * short (recent fsync time x its files under INLINE_ROUND_LIMIT_MS), it fsyncs on the event loop; a slow disk, or
 * a round of many files, would stall every client of the broker meanwhile, so those go to the thread pool, side by
 * side, and the loop keeps serving fetches. Durability is the same either way: a round resolves only once every
 * fsync in it returned.
 */
export class DiskSync {
  private recentMs = 0;

  constructor(private readonly calls: FsyncCalls = { fsync, fsyncSync, now: () => performance.now() }) {}

  /** Whether a round of `files` fsyncs runs on the event loop. */
  inline(files: number): boolean {
    return this.recentMs * files < INLINE_ROUND_LIMIT_MS;
  }

  async sync(fds: readonly number[]): Promise<void> {
    const { calls } = this;
    if (this.inline(fds.length)) {
      for (const fd of fds) {
        const start = calls.now();
        calls.fsyncSync(fd);
        this.note(calls.now() - start);
      }
      return;
    }
    await Promise.all(
      fds.map(
        (fd) =>
          new Promise<void>((resolve, reject) => {
            const start = calls.now();
            calls.fsync(fd, (err) => {
              this.note(calls.now() - start);
              if (err) reject(err);
              else resolve();
            });
          }),
      ),
    );
  }

  private note(ms: number): void {
    this.recentMs += (ms - this.recentMs) * RECENT_WEIGHT;
  }
}
