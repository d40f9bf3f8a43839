// Timed waits that can be cut short: a consumer waiting out a retry backoff must stop waiting when it is told to
// stop, and a fetch held back because too many records are queued must go on as soon as there is room. Both are a
// timer whose promise also resolves early when someone calls wakeAll.

/** A set of sleeps that `wakeAll` ends at once; each sleep resolves (never rejects), early or on time. */
export class WakeableSleep {
  private readonly wakers = new Set<() => void>();

  /** How many sleeps are in progress. */
  get sleeping(): number {
    return this.wakers.size;
  }

  /** Resolves after `ms`, or at the next `wakeAll`, whichever comes first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Ends every sleep in progress now (a sleep started afterwards waits its full time). */
  wakeAll(): void {
    // Called on every handled chunk: nothing is made when nobody sleeps.
    if (this.wakers.size === 0) return;
    for (const wake of [...this.wakers]) wake();
  }
}
