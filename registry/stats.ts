// Figures for `kiosk registry stats` and the fleet page.
import { boardedPerFlight, type BoardedFlight } from './boarding.js';
import type { Db } from './db.js';

export interface RegistryStats {
  checkins: number;
  distinctIds: number;
  /** People told apart by the keyed person digest (check-ins with an ID number). */
  distinctPeople: number;
  /** Check-ins whose identity retention has removed. */
  purgedIdentities: number;
  kiosks: number;
  duplicatesAcknowledged: number;
  chainBreaks: number;
  alerts: number;
  /** Passes used twice (boarded-twice alerts). */
  boardedTwice: number;
  /** Airport sites: boarded passengers per site, flight and day, the last 7 site days. */
  boarded: BoardedFlight[];
}

export async function registryStats(db: Db): Promise<RegistryStats> {
  const [c] = await db.query<{ n: string; d: string; p: string; purged: string }>(
    'SELECT count(*) AS n, count(DISTINCT id) AS d, count(DISTINCT person_digest) AS p, count(purged_at) AS purged FROM checkins',
  );
  const [k] = await db.query<{ n: string; dup: string }>(
    'SELECT count(*) AS n, coalesce(sum(duplicates_acknowledged), 0) AS dup FROM kiosks',
  );
  const [a] = await db.query<{ n: string; chain: string; twice: string }>(
    "SELECT count(*) AS n, count(*) FILTER (WHERE kind LIKE 'chain-%') AS chain, count(*) FILTER (WHERE kind = 'boarded-twice') AS twice FROM alerts",
  );
  return {
    checkins: Number(c!.n),
    distinctIds: Number(c!.d),
    distinctPeople: Number(c!.p),
    purgedIdentities: Number(c!.purged),
    kiosks: Number(k!.n),
    duplicatesAcknowledged: Number(k!.dup),
    chainBreaks: Number(a!.chain),
    alerts: Number(a!.n),
    boardedTwice: Number(a!.twice),
    boarded: await boardedPerFlight(db),
  };
}

export interface FleetKiosk {
  id: string;
  site: string;
  name: string;
  lastSeen: string | null;
  queueLength: number;
  syncLagMs: number;
  revoked: boolean;
  checkins: number;
}

export async function fleet(db: Db): Promise<{
  kiosks: FleetKiosk[];
  hourly: { site: string; hour: string; n: number }[];
  alerts: { at: string; kiosk: string | null; kind: string; detail: string }[];
  boarded: BoardedFlight[];
}> {
  const kiosks = await db.query<{
    id: string;
    site: string;
    name: string;
    last_seen: Date | null;
    queue_length: number;
    oldest_queued_ms: string;
    revoked_at: Date | null;
    chain_seq: string;
  }>('SELECT id, site, name, last_seen, queue_length, oldest_queued_ms, revoked_at, chain_seq FROM kiosks ORDER BY site, name');
  const hourly = await db.query<{ site: string; hour: Date; n: string }>(
    "SELECT site, date_trunc('hour', recorded_at) AS hour, count(*) AS n FROM checkins WHERE recorded_at > now() - interval '24 hours' GROUP BY 1, 2 ORDER BY 2, 1",
  );
  const alerts = await db.query<{ at: Date; kiosk_id: string | null; kind: string; detail: string }>(
    'SELECT at, kiosk_id, kind, detail FROM alerts ORDER BY id DESC LIMIT 50',
  );
  return {
    kiosks: kiosks.map((k) => ({
      id: k.id,
      site: k.site,
      name: k.name,
      lastSeen: k.last_seen ? new Date(k.last_seen).toISOString() : null,
      queueLength: k.queue_length,
      syncLagMs: Number(k.oldest_queued_ms),
      revoked: k.revoked_at !== null,
      checkins: Number(k.chain_seq),
    })),
    hourly: hourly.map((h) => ({ site: h.site, hour: new Date(h.hour).toISOString(), n: Number(h.n) })),
    alerts: alerts.map((a) => ({ at: new Date(a.at).toISOString(), kiosk: a.kiosk_id, kind: a.kind, detail: a.detail })),
    // Today and yesterday (site days): what a duty manager checks against the flight's manifest.
    boarded: await boardedPerFlight(db, 2),
  };
}
