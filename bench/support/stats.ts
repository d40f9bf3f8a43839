// Summaries of measured samples.

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Nearest-rank percentiles of latencies in ms; all zero for no samples. */
export function summarizeLatencies(samples: number[]): LatencySummary {
  if (samples.length === 0) return { count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1] ?? 0 };
}

/** a / b, or undefined when b is zero (a ratio that means nothing is not printed). */
export function ratio(a: number, b: number): number | undefined {
  return b > 0 ? a / b : undefined;
}
