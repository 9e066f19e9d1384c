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

/** One sample of the run, taken about every second (later when the event loop is busy). */
export interface Sample {
  /** Seconds since the run started. */
  t: number;
  /** Check-ins decided since the previous sample. */
  checkins: number;
  /** Those per second of the time since the previous sample. */
  perSecond: number;
  /** Queued (not yet acknowledged) check-ins across the fleet at the end of the second. */
  queued: number;
  /** The largest sync lag (ms) of the check-ins acknowledged since the previous sample; null if none were. */
  lagMaxMs: number | null;
  /** Their median sync lag (ms). */
  lagP50Ms: number | null;
}
