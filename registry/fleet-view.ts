// What the fleet page shows, read from the database: each kiosk (queue after its last answer,
// lag, the dataset versions it holds against the current ones, chain), the alerts stored and
// those worked out now, the per-minute samples over the chosen range, boarded passengers.
import { boardedPerFlight, type BoardedFlight } from './boarding.js';
import { DatasetName } from '../main/protocol/registry-protocol.js';
import { lineFor } from './datasets.js';
import type { Db } from './db.js';
import type { AlertKind } from './fleet-words.js';

export const RANGES = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000, '7d': 7 * 24 * 3_600_000 } as const;
export type Range = keyof typeof RANGES;
/** About this many points per chart, whatever the range. */
const POINTS = 90;
/** Silence, a waiting queue or a version not taken up: alerted after this long. */
export const ALERT_AFTER_MS = 10 * 60_000;
const DATASETS = DatasetName.options;

export interface KioskDataset {
  name: DatasetName;
  /** The version the kiosk last asked from (what it holds); null if it never asked. */
  have: number | null;
  /** The registry's current version for the kiosk's line; 0 if never published. */
  current: number;
  stale: boolean;
}

export interface FleetKioskView {
  id: string;
  site: string;
  name: string;
  lastSeen: string | null;
  /** The kiosk's queue after the registry's last answer to it. */
  queue: number;
  /** Age of its oldest queued check-in when it last uploaded (meaningful while queue > 0). */
  oldestQueuedMs: number;
  /** Recorded → stored, the largest in its last upload that stored something. */
  lastLagMs: number | null;
  checkins: number;
  chainAlerts: number;
  disputedRows: number;
  datasets: KioskDataset[];
  revoked: boolean;
}

export type FleetAlert =
  | { source: 'stored'; at: string; kind: string; kioskId: string | null; kiosk: string | null; site: string | null; detail: string }
  | { source: 'now'; kind: AlertKind; kioskId: string; kiosk: string; site: string; detail: DerivedDetail };

/** The facts behind an alert worked out now; the page words them in the reader's language. */
export type DerivedDetail =
  | { kind: 'silent'; sinceMs: number }
  | { kind: 'never-seen'; enrolledMs: number }
  | { kind: 'queue'; queue: number; oldestMs: number }
  | { kind: 'dataset'; name: string; have: number | null; current: number; publishedMs: number };

export interface SeriesPoint {
  at: number;
  checkins: number;
  kiosks: number;
  queue: number;
  lagMs: number;
}

export interface FleetView {
  now: number;
  site: string | null;
  range: Range;
  sites: string[];
  kiosks: FleetKioskView[];
  alerts: FleetAlert[];
  series: { bucketMs: number; from: number; points: SeriesPoint[] };
  boarded: BoardedFlight[];
}

interface KioskRow {
  id: string;
  site: string;
  name: string;
  enrolled_at: Date;
  last_seen: Date | null;
  queue_length: number;
  oldest_queued_ms: string;
  last_lag_ms: string | null;
  revoked_at: Date | null;
  chain_seq: string;
  disputed_rows: string;
  datasets: Record<string, unknown>;
  chain_alerts: string;
}

/** The alerts a kiosk's row calls for now (pure: the tests give it rows and a clock). */
export function derivedAlerts(
  k: FleetKioskView & { enrolledAt: number },
  published: Map<string, number>,
  now: number,
): { kind: AlertKind; detail: DerivedDetail }[] {
  if (k.revoked) return [];
  const out: { kind: AlertKind; detail: DerivedDetail }[] = [];
  const seen = k.lastSeen ? Date.parse(k.lastSeen) : null;
  if (seen === null) {
    if (now - k.enrolledAt > ALERT_AFTER_MS)
      out.push({ kind: 'kiosk-never-seen', detail: { kind: 'never-seen', enrolledMs: now - k.enrolledAt } });
    return out;
  }
  if (now - seen > ALERT_AFTER_MS) out.push({ kind: 'kiosk-silent', detail: { kind: 'silent', sinceMs: now - seen } });
  if (k.queue > 0 && k.oldestQueuedMs + (now - seen) > ALERT_AFTER_MS)
    out.push({ kind: 'queue-behind', detail: { kind: 'queue', queue: k.queue, oldestMs: k.oldestQueuedMs + (now - seen) } });
  for (const d of k.datasets) {
    const at = published.get(`${d.name}|${lineFor(d.name, k.site)}`);
    // Only once the kiosk has been seen since the publication had time to reach it.
    if (d.stale && at !== undefined && now - at > ALERT_AFTER_MS && seen - at > ALERT_AFTER_MS)
      out.push({
        kind: 'dataset-stale',
        detail: { kind: 'dataset', name: d.name, have: d.have, current: d.current, publishedMs: now - at },
      });
  }
  return out;
}

export async function fleetView(db: Db, o: { site?: string | null; range?: Range; now?: number } = {}): Promise<FleetView> {
  const now = o.now ?? Date.now();
  const site = o.site ?? null;
  const range = o.range ?? '6h';
  const siteRows = await db.query<{ site: string }>('SELECT DISTINCT site FROM kiosks ORDER BY site');
  const rows = await db.query<KioskRow>(
    `SELECT k.id, k.site, k.name, k.enrolled_at, k.last_seen, k.queue_length, k.oldest_queued_ms, k.last_lag_ms, k.revoked_at,
            k.chain_seq, k.disputed_rows, k.datasets, coalesce(a.n, 0) AS chain_alerts
     FROM kiosks k LEFT JOIN (SELECT kiosk_id, count(*) AS n FROM alerts WHERE kind LIKE 'chain-%' GROUP BY kiosk_id) a ON a.kiosk_id = k.id
     WHERE ($1::text IS NULL OR k.site = $1) ORDER BY k.site, k.name, k.id`,
    [site],
  );
  const versions = await db.query<{ dataset: string; site: string; version: string; published_at: Date }>(
    'SELECT dataset, site, version, published_at FROM dataset_versions',
  );
  const current = new Map(versions.map((v) => [`${v.dataset}|${v.site}`, Number(v.version)]));
  const published = new Map(versions.map((v) => [`${v.dataset}|${v.site}`, new Date(v.published_at).getTime()]));

  const alerts: FleetAlert[] = [];
  const kiosks = rows.map((r) => {
    const datasets = DATASETS.map((name) => {
      const raw = r.datasets[name];
      const have = typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : null;
      const cur = current.get(`${name}|${lineFor(name, r.site)}`) ?? 0;
      return { name, have, current: cur, stale: have !== null && have < cur };
    });
    const k: FleetKioskView = {
      id: r.id,
      site: r.site,
      name: r.name,
      lastSeen: r.last_seen ? new Date(r.last_seen).toISOString() : null,
      queue: r.queue_length,
      oldestQueuedMs: Number(r.oldest_queued_ms),
      lastLagMs: r.last_lag_ms === null ? null : Number(r.last_lag_ms),
      checkins: Number(r.chain_seq),
      chainAlerts: Number(r.chain_alerts),
      disputedRows: Number(r.disputed_rows),
      datasets,
      revoked: r.revoked_at !== null,
    };
    for (const a of derivedAlerts({ ...k, enrolledAt: new Date(r.enrolled_at).getTime() }, published, now))
      alerts.push({ source: 'now', kind: a.kind, kioskId: k.id, kiosk: k.name, site: k.site, detail: a.detail });
    return k;
  });

  const stored = await db.query<{
    at: Date;
    kind: string;
    kiosk_id: string | null;
    name: string | null;
    site: string | null;
    detail: string;
  }>(
    `SELECT a.at, a.kind, a.kiosk_id, k.name, k.site, a.detail FROM alerts a LEFT JOIN kiosks k ON k.id = a.kiosk_id
     WHERE ($1::text IS NULL OR k.site = $1) ORDER BY a.id DESC LIMIT 50`,
    [site],
  );
  for (const a of stored)
    alerts.push({
      source: 'stored',
      at: new Date(a.at).toISOString(),
      kind: a.kind,
      kioskId: a.kiosk_id,
      kiosk: a.name,
      site: a.site,
      detail: a.detail,
    });

  const span = RANGES[range];
  const bucketMs = Math.max(60_000, Math.ceil(span / POINTS / 60_000) * 60_000);
  const from = Math.floor((now - span) / bucketMs) * bucketMs;
  const points = await db.query<{ slot: string; c: string; k: string; q: string; l: string }>(
    `WITH m AS (
       SELECT minute, sum(checkins) AS c, sum(kiosks_seen) AS k, max(max_queue) AS q, max(max_lag_ms) AS l
       FROM fleet_samples WHERE minute >= $1 AND ($2::text IS NULL OR site = $2) GROUP BY minute)
     SELECT floor(extract(epoch FROM minute) * 1000 / $3)::bigint AS slot, sum(c) AS c, max(k) AS k, max(q) AS q, max(l) AS l
     FROM m GROUP BY 1 ORDER BY 1`,
    [new Date(from).toISOString(), site, bucketMs],
  );
  const boarded = (await boardedPerFlight(db, 2)).filter((b) => site === null || b.site === site);
  return {
    now,
    site,
    range,
    sites: siteRows.map((s) => s.site),
    kiosks,
    alerts,
    series: {
      bucketMs,
      from,
      points: points.map((p) => ({
        at: Number(p.slot) * bucketMs,
        checkins: Number(p.c),
        kiosks: Number(p.k),
        queue: Number(p.q),
        lagMs: Number(p.l),
      })),
    },
    boarded,
  };
}
