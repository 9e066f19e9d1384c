// The fleet's promise, checked against the registry itself: every check-in the kiosks
// recorded is in the registry's check-ins exactly once, with the hash the kiosk wrote.
import type { Db } from '../../registry/db.js';

export interface FleetRecord {
  id: string;
  hash: string;
  kioskId: string;
}

export interface ExactlyOnce {
  /** False when the registry's database could not be read (then `ok` is false too). */
  checked: boolean;
  why?: string;
  /** Check-ins the kiosks recorded. */
  records: number;
  /** Of those, in the registry exactly once with the kiosk's hash. */
  present: number;
  /** Record ids the registry does not hold. */
  missing: string[];
  /** Record ids the registry holds more than once. */
  duplicated: { id: string; count: number }[];
  /** Record ids the registry holds with another hash than the kiosk's. */
  wrongHash: string[];
  ok: boolean;
}

/** Lists are cut to this many ids in the answer (their counts are in `records - present`). */
const LIST_MAX = 50;

export async function checkExactlyOnce(db: Db, records: FleetRecord[], kioskIds: string[]): Promise<ExactlyOnce> {
  const rows = await db.query<{ id: string; n: number; hash: string; other: string }>(
    'SELECT id::text AS id, count(*)::int AS n, min(hash) AS hash, max(hash) AS other FROM checkins WHERE kiosk_id = ANY($1::uuid[]) GROUP BY id',
    [kioskIds],
  );
  const held = new Map(rows.map((r) => [r.id, r]));
  const missing: string[] = [];
  const duplicated: { id: string; count: number }[] = [];
  const wrongHash: string[] = [];
  let present = 0;
  for (const r of records) {
    const h = held.get(r.id);
    if (!h) missing.push(r.id);
    else if (h.n > 1) duplicated.push({ id: r.id, count: h.n });
    else if (h.hash !== r.hash || h.other !== r.hash) wrongHash.push(r.id);
    else present++;
  }
  return {
    checked: true,
    records: records.length,
    present,
    missing: missing.slice(0, LIST_MAX),
    duplicated: duplicated.slice(0, LIST_MAX),
    wrongHash: wrongHash.slice(0, LIST_MAX),
    ok: present === records.length,
  };
}
