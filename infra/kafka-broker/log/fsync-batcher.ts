// Group commit: callers that ask for durability while an fsync is running wait for the next one, which
// then covers all of them. Under load this turns one fsync per request into one per round.
export class FsyncBatcher {
  private waiting: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private running = false;

  constructor(private readonly syncAll: () => Promise<void>) {}

  /** Resolves once everything written before this call is on disk. */
  wait(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.running) this.run();
    });
  }

  private run(): void {
    this.running = true;
    const round = this.waiting;
    this.waiting = [];
    this.syncAll()
      .then(
        () => round.forEach((w) => w.resolve()),
        (err: unknown) => round.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.running = false;
        if (this.waiting.length > 0) this.run();
      })
      .catch(() => undefined);
  }
}

export function fsyncAsync(
  fd: number,
  fsync: (fd: number, cb: (err: NodeJS.ErrnoException | null) => void) => void,
): Promise<void> {
  return new Promise<void>((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}
