// Figures for `kiosk registry stats` (the fleet page's are registry/fleet-view.ts).
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
