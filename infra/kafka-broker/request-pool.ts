// The broker-wide budget for request bytes being received or handled (Kafka's queued.max.request.bytes).
// Without it every connection could park a partial frame of up to MAX_REQUEST_BYTES, so a handful of
// clients could take the broker's memory; with it, a connection whose frame does not fit waits its turn.
export class RequestMemoryPool {
  private used = 0;
  private waiters: Array<() => void> = [];

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new Error(`maxBufferedRequestBytes must be a positive integer, got ${capacity}`);
    }
  }

  /** Bytes reserved right now. */
  get reserved(): number {
    return this.used;
  }

  /** Connections waiting for room. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Reserves `n` bytes when they fit. An empty pool always grants, so a single request larger than the whole
   * budget is still served (alone) instead of waiting forever.
   */
  tryReserve(n: number): boolean {
    if (this.used > 0 && this.used + n > this.capacity) return false;
    this.used += n;
    return true;
  }

  release(n: number): void {
    this.used -= n;
    if (this.used < 0) throw new Error(`request pool released ${-this.used} bytes more than it reserved`);
    // every waiter retries; those that still do not fit wait again
    const woken = this.waiters;
    this.waiters = [];
    for (const wake of woken) wake();
  }

  wait(wake: () => void): void {
    this.waiters.push(wake);
  }
}
