// The fleet's command-line values, read strictly: a duration ("2m", "90s", "1m30s"), an
// outage ("30s+20s": at 30 s into the run, for 20 s). Each bad value is refused in words.
export interface Outage {
  atMs: number;
  forMs: number;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "2m", "90s", "1m30s", "500ms", "1.5s" → milliseconds. */
export function parseDuration(text: string): Parsed<number> {
  const t = text.trim();
  if (!t) return { ok: false, problem: 'an empty duration' };
  PART.lastIndex = 0;
  let ms = 0;
  let m: RegExpExecArray | null;
  while (PART.lastIndex < t.length && (m = PART.exec(t))) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  if (PART.lastIndex !== t.length || !/^\d/.test(t))
    return { ok: false, problem: `"${text}" is not a duration (write 90s, 2m, 1m30s or 500ms)` };
  return { ok: true, value: Math.round(ms) };
}

/** "30s+20s" → { atMs: 30000, forMs: 20000 }, within a run of `runMs`. */
export function parseOutage(text: string, runMs: number): Parsed<Outage> {
  const [at, len, ...rest] = text.split('+');
  if (at === undefined || len === undefined || rest.length) return { ok: false, problem: `outage "${text}": write AT+FOR, e.g. 30s+20s` };
  const a = parseDuration(at);
  if (!a.ok) return { ok: false, problem: `outage "${text}": ${a.problem}` };
  const f = parseDuration(len);
  if (!f.ok) return { ok: false, problem: `outage "${text}": ${f.problem}` };
  if (f.value <= 0) return { ok: false, problem: `outage "${text}": it must last longer than 0 s` };
  if (a.value >= runMs) return { ok: false, problem: `outage "${text}" starts after the run's ${runMs / 1000} s` };
  return { ok: true, value: { atMs: a.value, forMs: f.value } };
}

/** Outages in time order; overlapping ones are refused (one cut at a time reads clearly in the report). */
export function checkOutages(outages: Outage[]): Parsed<Outage[]> {
  const sorted = [...outages].sort((x, y) => x.atMs - y.atMs);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]!.atMs < sorted[i - 1]!.atMs + sorted[i - 1]!.forMs)
      return { ok: false, problem: `outages at ${sorted[i - 1]!.atMs / 1000} s and ${sorted[i]!.atMs / 1000} s overlap` };
  return { ok: true, value: sorted };
}
