// Boarding arbitration for airport sites: a kiosk asks the registry before it admits a
// passenger (POST /v1/boarding/claim), so one pass boards once across all the gates of a site
// while they are online. Claims live in `boarding_claims`, one row per site, flight, day and
// person (keyed digest); the admitted check-in that follows confirms it, a refusal from the
// same kiosk releases it, and an unconfirmed claim lapses after BOARDING_CLAIM_TTL_MS. Rows
// admitted offline reach the registry later: a second admitted row raises `boarded-twice`.
import { createHmac } from 'node:crypto';
import {
  BOARDING_CLAIM_TTL_MS,
  type BoardingClaim,
  type BoardingClaimAnswer,
  type CheckInRecord,
} from '../main/protocol/registry-protocol.js';
import type { AuthedKiosk } from './auth.js';
import type { Db, Queryable } from './db.js';

/** HMAC-SHA-256 of the ID number under the registry's person key (the same digest as checkins.person_digest). */
export function personDigestOf(idNumber: string, personKey: Buffer): string {
  return createHmac('sha256', personKey).update(`idNumber:${idNumber}`).digest('hex');
}

const DAY_MS = 86_400_000;
/** The site day (UTC+7, as the kiosk's siteDay) as a time range. */
function dayRange(date: string): [Date, Date] {
  const from = Date.parse(`${date}T00:00:00+07:00`);
  return [new Date(from), new Date(from + DAY_MS)];
}
/** The site day (UTC+7) of a time. */
export function siteDayOf(iso: string): string {
  return new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 10);
}

interface BoardedRow {
  id: string;
  recorded_at: Date;
  name: string;
}

/** Admitted boarding check-ins of each person on their flight and day at the site, oldest first, by identity or digest (index in `people` → their rows), one query. */
async function admittedRowsOfMany(
  q: Queryable,
  site: string,
  people: { flight: string; date: string; idNumber: string | null; person: string }[],
  excluding: string[],
): Promise<Map<number, BoardedRow[]>> {
  const out = new Map<number, BoardedRow[]>();
  if (people.length === 0) return out;
  const ranges = people.map((p) => dayRange(p.date));
  const rows = await q.query<BoardedRow & { i: number }>(
    `SELECT u.i::int AS i, r.id, r.recorded_at, r.name
       FROM unnest($2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[]) WITH ORDINALITY AS u(flight, "from", "to", person, id_number, i)
       CROSS JOIN LATERAL (
         SELECT c.id, c.recorded_at, k.name FROM checkins c JOIN kiosks k ON k.id = c.kiosk_id
          WHERE c.site = $1 AND c.workflow = 'airport-boarding' AND c.decision = 'admitted' AND c.identity->>'flight' = u.flight
            AND c.recorded_at >= u."from" AND c.recorded_at < u."to" AND (c.person_digest = u.person OR c.identity->>'idNumber' = u.id_number)
            AND NOT (c.id::text = ANY($7::text[]))
          ORDER BY c.recorded_at, c.id LIMIT 5) r
      ORDER BY u.i, r.recorded_at, r.id`,
    [
      site,
      people.map((p) => p.flight),
      ranges.map((r) => r[0]),
      ranges.map((r) => r[1]),
      people.map((p) => p.person),
      people.map((p) => p.idNumber),
      excluding,
    ],
  );
  for (const r of rows) {
    const list = out.get(r.i - 1) ?? [];
    list.push(r);
    out.set(r.i - 1, list);
  }
  return out;
}

/**
 * Claims the passenger for this kiosk, or says who has them. Atomic across kiosks and registry
 * processes: the claim is one row under a unique key, taken by INSERT … ON CONFLICT, so of two
 * gates racing for the same passenger exactly one gets `boarded: false`.
 */
export async function claimBoarding(
  db: Db,
  kiosk: AuthedKiosk,
  claim: BoardingClaim,
  personKey: Buffer,
  now = new Date(),
): Promise<BoardingClaimAnswer> {
  const person = personDigestOf(claim.idNumber, personKey);
  const [row] =
    (await admittedRowsOfMany(db, kiosk.site, [{ flight: claim.flight, date: claim.date, idNumber: claim.idNumber, person }], [])).get(0) ??
    [];
  if (row) return { boarded: true, at: new Date(row.recorded_at).toISOString(), kiosk: row.name, by: 'check-in' };
  // A claim is this kiosk's when it is new, already its own (the passenger tries again at the
  // same gate), or another kiosk's that lapsed unconfirmed. A release may delete the row
  // between the two statements: then claim again.
  for (let attempt = 0; attempt < 3; attempt++) {
    const taken = await db.query(
      `INSERT INTO boarding_claims (site, flight, date, person, kiosk_id, claimed_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (site, flight, date, person) DO UPDATE SET kiosk_id = EXCLUDED.kiosk_id, claimed_at = EXCLUDED.claimed_at
       WHERE boarding_claims.admitted = 0 AND (boarding_claims.kiosk_id = EXCLUDED.kiosk_id OR boarding_claims.claimed_at < $7)
       RETURNING 1`,
      [kiosk.site, claim.flight, claim.date, person, kiosk.id, now, new Date(now.getTime() - BOARDING_CLAIM_TTL_MS)],
    );
    if (taken.length) return { boarded: false, expiresAt: new Date(now.getTime() + BOARDING_CLAIM_TTL_MS).toISOString() };
    const [held] = await db.query<{ claimed_at: Date; admitted: number; name: string }>(
      `SELECT b.claimed_at, b.admitted, k.name FROM boarding_claims b JOIN kiosks k ON k.id = b.kiosk_id
        WHERE b.site = $1 AND b.flight = $2 AND b.date = $3 AND b.person = $4`,
      [kiosk.site, claim.flight, claim.date, person],
    );
    if (held)
      return {
        boarded: true,
        at: new Date(held.claimed_at).toISOString(),
        kiosk: held.name,
        by: held.admitted > 0 ? 'check-in' : 'claim',
      };
  }
  throw new Error('the boarding claim kept changing under this request');
}

/**
 * Inside ingest's transaction, for the rows this batch stored: admitted boarding rows confirm
 * their claim (counted, and taken over from another kiosk's unconfirmed claim: the passenger
 * did board there); a second admitted row for the same site, flight, day and person raises one
 * `boarded-twice` alert; refused or referred rows release the same kiosk's unconfirmed claim
 * (the passenger failed the face step, say, and may try another gate at once).
 */
export async function boardingOnIngest(
  q: Queryable,
  kiosk: AuthedKiosk,
  rows: CheckInRecord[],
  personKey: Buffer | undefined,
): Promise<void> {
  if (!personKey) return;
  const admitted = new Map<string, { flight: string; date: string; person: string; idNumber: string; first: CheckInRecord; n: number }>();
  const released: { flight: string; date: string; person: string }[] = [];
  for (const r of rows) {
    const flight = r.identity?.flight;
    const idNumber = r.identity?.idNumber;
    if (r.workflow !== 'airport-boarding' || !flight || !idNumber) continue;
    const at = { flight, date: siteDayOf(r.recordedAt), person: personDigestOf(idNumber, personKey) };
    if (r.decision !== 'admitted') {
      released.push(at);
      continue;
    }
    // Grouped: one statement per key (ON CONFLICT may not touch a row twice in one statement).
    const key = `${at.flight}|${at.date}|${at.person}`;
    const g = admitted.get(key);
    if (g) {
      g.n++;
      if (r.recordedAt < g.first.recordedAt) g.first = r;
    } else admitted.set(key, { ...at, idNumber, first: r, n: 1 });
  }
  // Set-based: a batch is one statement per step, not one per passenger (ingest holds the
  // kiosk's row lock meanwhile). Keys in one order, so two batches never wait on each other crosswise.
  if (released.length)
    await q.query(
      `DELETE FROM boarding_claims b USING unnest($3::text[], $4::text[], $5::text[]) AS u(flight, date, person)
        WHERE b.site = $1 AND b.flight = u.flight AND b.date = u.date AND b.person = u.person AND b.kiosk_id = $2 AND b.admitted = 0`,
      [kiosk.site, kiosk.id, released.map((r) => r.flight), released.map((r) => r.date), released.map((r) => r.person)],
    );
  if (admitted.size === 0) return;
  const groups = [...admitted.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  const claims = await q.query<{
    flight: string;
    date: string;
    person: string;
    admitted: number;
    alerted: boolean;
    claimed_at: Date;
    kiosk_id: string;
  }>(
    `INSERT INTO boarding_claims AS b (site, flight, date, person, kiosk_id, claimed_at, admitted)
       SELECT $1, flight, date, person, $2, at, n
         FROM unnest($3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::int[]) WITH ORDINALITY AS u(flight, date, person, at, n, i) ORDER BY i
     ON CONFLICT (site, flight, date, person) DO UPDATE SET
       kiosk_id = CASE WHEN b.admitted = 0 THEN EXCLUDED.kiosk_id ELSE b.kiosk_id END,
       claimed_at = CASE WHEN b.admitted = 0 THEN EXCLUDED.claimed_at ELSE b.claimed_at END,
       admitted = b.admitted + EXCLUDED.admitted
     RETURNING flight, date, person, admitted, alerted, claimed_at, kiosk_id`,
    [
      kiosk.site,
      kiosk.id,
      groups.map((g) => g.flight),
      groups.map((g) => g.date),
      groups.map((g) => g.person),
      groups.map((g) => g.first.recordedAt),
      groups.map((g) => g.n),
    ],
  );
  const byKey = new Map(claims.map((c) => [`${c.flight}|${c.date}|${c.person}`, c]));
  const claimOf = new Map(groups.map((g, i) => [i, byKey.get(`${g.flight}|${g.date}|${g.person}`)!]));
  // The first this table counts: rows stored before it existed (or under another person key)
  // are found in the check-ins themselves, for all such passengers in one query.
  const fresh = groups.map((g, i) => ({ g, i })).filter(({ g, i }) => claimOf.get(i)!.admitted === g.n);
  const beforeOf = await admittedRowsOfMany(
    q,
    kiosk.site,
    fresh.map(({ g }) => g),
    rows.map((r) => r.id),
  );
  const freshAt = new Map(fresh.map(({ i }, at) => [i, at]));
  for (const [i, g] of groups.entries()) {
    const c = claimOf.get(i)!;
    let total = c.admitted;
    let earlier: { at: string; kiosk: string } | null = null;
    if (total === g.n) {
      const before = beforeOf.get(freshAt.get(i)!) ?? [];
      if (before.length) {
        total += before.length;
        earlier = { at: new Date(before[0]!.recorded_at).toISOString(), kiosk: before[0]!.name };
        await q.query('UPDATE boarding_claims SET admitted = $5 WHERE site = $1 AND flight = $2 AND date = $3 AND person = $4', [
          kiosk.site,
          g.flight,
          g.date,
          g.person,
          total,
        ]);
      }
    } else {
      const [k] = await q.query<{ name: string }>('SELECT name FROM kiosks WHERE id = $1', [c.kiosk_id]);
      earlier = { at: new Date(c.claimed_at).toISOString(), kiosk: k?.name ?? c.kiosk_id };
    }
    if (total < 2 || c.alerted) continue;
    const [me] = await q.query<{ name: string }>('SELECT name FROM kiosks WHERE id = $1', [kiosk.id]);
    const first = earlier ?? { at: g.first.recordedAt, kiosk: me?.name ?? kiosk.id };
    // No personal data in the alert: the flight, the day, the kiosks and times say where to look.
    await q.query('INSERT INTO alerts (kiosk_id, kind, detail) VALUES ($1, $2, $3)', [
      kiosk.id,
      'boarded-twice',
      `one passenger admitted ${total} times to ${g.flight} on ${g.date}: first by "${first.kiosk}" at ${first.at}, again by "${me?.name ?? kiosk.id}" at ${g.first.recordedAt} (a pass used twice while kiosks were offline?)`.slice(
        0,
        500,
      ),
    ]);
    await q.query('UPDATE boarding_claims SET alerted = true WHERE site = $1 AND flight = $2 AND date = $3 AND person = $4', [
      kiosk.site,
      g.flight,
      g.date,
      g.person,
    ]);
  }
}

export interface BoardedFlight {
  site: string;
  flight: string;
  date: string;
  /** Distinct passengers admitted (by person digest, else ID number). */
  passengers: number;
  /** Admitted boarding check-ins (more than passengers when a pass was used twice). */
  admitted: number;
}

/**
 * Boarded passengers per site, flight and day, over the last `days` site days, from the
 * admitted boarding check-ins that still hold their identity (the flight is in it; retention
 * removes it, by default after 90 days).
 */
export async function boardedPerFlight(db: Queryable, days = 7, now = new Date()): Promise<BoardedFlight[]> {
  const [from] = dayRange(siteDayOf(new Date(now.getTime() - (days - 1) * DAY_MS).toISOString()));
  const rows = await db.query<{ site: string; flight: string; date: string; passengers: string; admitted: string }>(
    `SELECT site, identity->>'flight' AS flight, to_char((recorded_at AT TIME ZONE 'UTC') + interval '7 hours', 'YYYY-MM-DD') AS date,
            count(DISTINCT coalesce(person_digest, identity->>'idNumber')) AS passengers, count(*) AS admitted
       FROM checkins
      WHERE workflow = 'airport-boarding' AND decision = 'admitted' AND identity->>'flight' IS NOT NULL AND recorded_at >= $1
      GROUP BY 1, 2, 3 ORDER BY 3 DESC, 1, 2`,
    [from],
  );
  return rows.map((r) => ({
    site: r.site,
    flight: r.flight,
    date: r.date,
    passengers: Number(r.passengers),
    admitted: Number(r.admitted),
  }));
}
