// Figures for the fleet's report: percentiles, and the per-second series the charts draw.
export function percentile(xs: readonly number[], p: number): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? sorted[0]!;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export function percentiles(xs: readonly number[]): Percentiles {
  const r = (v: number | null) => (v === null ? null : Math.round(v));
  return { p50: r(percentile(xs, 50)), p95: r(percentile(xs, 95)), p99: r(percentile(xs, 99)), max: r(percentile(xs, 100)) };
}

/** One second of the run. */
export interface Sample {
  /** Seconds since the run started. */
  t: number;
  /** Check-ins decided in this second. */
  checkins: number;
  /** Queued (not yet acknowledged) check-ins across the fleet at the end of the second. */
  queued: number;
  /** The largest sync lag (ms) of the check-ins acknowledged in this second; null if none were. */
  lagMaxMs: number | null;
  /** Their median sync lag (ms). */
  lagP50Ms: number | null;
}
