// Waiting in tests on what output or frames have arrived: re-checked each time something arrives, never polled
// on a timer, and bounded by a timeout that reports what was there.

export interface WaitOptions {
  timeoutMs: number;
  /** Why waiting longer is pointless (the process exited, the socket closed), or undefined to keep waiting. */
  hopeless?: () => string | undefined;
  /** The error text on timeout. */
  timeoutMessage: () => string;
}

export class Wakeups {
  private readonly waiters = new Set<() => void>();

  /** Something arrived: every waiter checks again. */
  notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const waiter of waiters) waiter();
  }

  /** Resolves with the first answer of `check` that is not undefined. */
  async until<T>(check: () => T | undefined, options: WaitOptions): Promise<T> {
    const deadline = Date.now() + options.timeoutMs;
    for (;;) {
      const answer = check();
      if (answer !== undefined) return answer;
      const hopeless = options.hopeless?.();
      if (hopeless !== undefined) throw new Error(hopeless);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(options.timeoutMessage());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
