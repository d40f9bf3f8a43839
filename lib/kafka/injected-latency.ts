// Chaos: a delay a consumer waits before each batch it handles, set live in a running service by the supervisor
// (the console's and the CLI's "consumer latency" control, docs/reliability.md). Process-wide on purpose: it
// stands for a slow dependency of the whole process, and one number is what the status can show.

/** The longest delay accepted: longer would only look like a hung process, which "pause" already shows. */
export const MAX_INJECTED_LATENCY_MS = 30_000;

let latencyMs = 0;
const runningGroups = new Set<string>();

/** Sets the delay before each batch (0 clears it); a bad value is refused with the reason. */
export function setInjectedLatency(ms: number): void {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_INJECTED_LATENCY_MS) {
    throw new RangeError(`consumer latency must be an integer from 0 to ${MAX_INJECTED_LATENCY_MS} ms, got ${ms}`);
  }
  latencyMs = ms;
}

export function injectedLatencyMs(): number {
  return latencyMs;
}

/** The consumer groups running in this process: the ones a latency applies to. */
export function consumingGroups(): string[] {
  return [...runningGroups];
}

/** Kept by startEventConsumer: a group is listed from its join until its stop. */
export function noteConsumerRunning(groupId: string, running: boolean): void {
  if (running) runningGroups.add(groupId);
  else runningGroups.delete(groupId);
}
