// The one exponential backoff: restarts of a crashed process, reconnects, handler and push retries all wait
// initialMs, then twice that, and so on up to maxMs. Jitter, where many waiters would otherwise retry in step
// (clients reconnecting to a restarted gateway), takes up to that fraction of the wait off at random.

export interface BackoffOptions {
  /** The wait before the first retry (attempt 0). */
  initialMs: number;
  /** The longest wait; no bound when left out. */
  maxMs?: number;
  /** 0 (default) to 1: at most this fraction of the wait is taken off at random. */
  jitter?: number;
  /** For tests: a source of numbers in [0, 1). */
  random?: () => number;
}

/** Doublings past this add nothing any caller could wait for (2^30 ms is twelve days), and keep the number finite. */
const MAX_DOUBLINGS = 30;

/** How long to wait before retry number `attempt` (0 for the first retry). */
export function backoffMs(attempt: number, options: BackoffOptions): number {
  const doublings = Math.min(Math.max(0, Math.floor(attempt)), MAX_DOUBLINGS);
  const wait = Math.min(options.maxMs ?? Number.POSITIVE_INFINITY, options.initialMs * 2 ** doublings);
  const jitter = Math.min(Math.max(options.jitter ?? 0, 0), 1);
  return jitter === 0 ? wait : wait * (1 - jitter * (options.random ?? Math.random)());
}
