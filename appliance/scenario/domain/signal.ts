// Wakes waiters when something arrives (a frame, a close), so the runner waits on events, not on a timer; the
// appliance-side checks (presence, records, rows) have nothing to wake them and poll instead.

export class Arrivals {
  private readonly waiters = new Set<() => void>();

  notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }

  /** Resolves when notified or after ms, whichever is first. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(wake);
          resolve();
        },
        Math.max(0, ms),
      );
      const wake = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.add(wake);
    });
  }
}

/** Checks until `check` answers (not undefined) or the deadline passes; waits for `wake` between checks. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  wake: (ms: number) => Promise<void>,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await check();
    if (answer !== undefined) return answer;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await wake(left);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
