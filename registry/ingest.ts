// Check-in ingest: every record validated (its kiosk's own, signed by it), stored once by its
// id (a retried or duplicated batch changes nothing and is acknowledged again), the kiosk's
// hash chain followed with gaps and breaks recorded as alerts and the rows that do not follow
// it kept aside as disputed, and an answer per record. Only the sending kiosk's row is locked.
import { hash as oneShotHash, verify } from 'node:crypto';
import {
  canonicalJson,
  CheckInRecord,
  hashInput,
  recordSigningText,
  uuid7Time,
  type RecordOutcome,
} from '../main/protocol/registry-protocol.js';
import { ed25519FromRaw, type AuthedKiosk } from './auth.js';
import { boardingOnIngest, personDigestOf } from './boarding.js';
import type { Admission } from './admission.js';
import type { Db } from './db.js';

// One-shot hashing (no Hash object per record): this runs twice for every record ingested.
const sha256 = (t: string) => oneShotHash('sha256', t, 'hex');

export type RecordCheck = { ok: true; rec: CheckInRecord } | { ok: false; id: string; reason: string };

export function checkRecord(raw: unknown, kiosk: AuthedKiosk): RecordCheck {
  const id =
    typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
      ? (raw as { id: string }).id.slice(0, 64)
      : '';
  const p = CheckInRecord.safeParse(raw);
  if (!p.success) {
    const i = p.error.issues[0]!;
    return { ok: false, id, reason: `${i.path.join('.') || 'record'}: ${i.message}`.slice(0, 200) };
  }
  const rec = p.data;
  // A kiosk uploads its own check-ins only: another kiosk's, even with its signature, is refused.
  if (rec.kioskId !== kiosk.id) return { ok: false, id, reason: 'this check-in was made by another kiosk' };
  if (uuid7Time(rec.id) !== Date.parse(rec.recordedAt)) return { ok: false, id, reason: 'recordedAt differs from the time in the id' };
  if (rec.site !== kiosk.site) return { ok: false, id, reason: `site ${rec.site} is not the kiosk's enrolled site` };
  if (rec.identity && rec.identityDigest !== sha256(canonicalJson(rec.identity)))
    return { ok: false, id, reason: 'identityDigest does not match identity' };
  const { hash, identity: _identity, kioskId: _kioskId, sig, ...base } = rec;
  if (sha256(hashInput(base)) !== hash) return { ok: false, id, reason: 'hash does not match the content' };
  // Signed by the kiosk when it wrote the row: a row edited (and re-hashed) without the key fails here.
  let signed = false;
  try {
    signed = verify(null, Buffer.from(recordSigningText(rec.kioskId, hash)), ed25519FromRaw(kiosk.publicKey), Buffer.from(sig, 'base64'));
  } catch {
    signed = false;
  }
  if (!signed) return { ok: false, id, reason: "the record's signature is not its kiosk's (altered on the kiosk?)" };
  return { ok: true, rec };
}

/** Check-in columns in insert order, and one record's values for them (the bench's straight-insert baseline uses the same). */
export const CHECKIN_COLUMNS = [
  'id',
  'recorded_at',
  'kiosk_id',
  'site',
  'workflow',
  'seq',
  'decision',
  'reasons',
  'match_score',
  'verification',
  'identity',
  'identity_digest',
  'prev_hash',
  'hash',
  'person_digest',
  'kiosk_sig',
];

/** The SQL type of each of CHECKIN_COLUMNS. */
const CHECKIN_TYPES = [
  'uuid',
  'timestamptz',
  'uuid',
  'text',
  'text',
  'bigint',
  'text',
  'jsonb',
  'double precision',
  'jsonb',
  'jsonb',
  'text',
  'text',
  'text',
  'text',
  'text',
];

/**
 * The registry's own digest of the person, for telling repeat visits apart: HMAC-SHA-256 of
 * the ID number under the registry's secret (`personKey`), which is kept out of the database.
 * Null without an ID number or a key.
 */
export function personDigest(r: CheckInRecord, personKey: Buffer | undefined): string | null {
  const idNumber = r.identity?.idNumber;
  return idNumber && personKey ? personDigestOf(idNumber, personKey) : null;
}

export function checkinRowValues(r: CheckInRecord, kioskId: string, personKey?: Buffer): unknown[] {
  return [
    r.id,
    r.recordedAt,
    kioskId,
    r.site,
    r.workflow,
    r.seq,
    r.decision,
    JSON.stringify(r.reasons),
    r.matchScore,
    JSON.stringify(r.verification),
    r.identity ? JSON.stringify(r.identity) : null,
    r.identityDigest,
    r.prevHash,
    r.hash,
    personDigest(r, personKey),
    r.sig,
  ];
}

export interface IngestInput {
  records: unknown[];
  queue: { length: number; oldestAgeMs: number };
  batch?: { id: string; after: string | null } | undefined;
}

/** The batch this one must follow has not been stored yet (it is in flight, or failed). */
export class BatchPendingError extends Error {
  constructor(message = 'the batch this one follows has not arrived; send again') {
    super(message);
    this.name = 'BatchPendingError';
  }
}

/** How long a batch waits for the one it follows before the kiosk is told to send again. */
export const WAIT_FOR_PREVIOUS_MS = 10_000;
/** While waiting, how often the database is asked whether the batch followed has arrived (another registry process may store it). */
const POLL_MS = 250;

// Within this process, a batch that waits for the one it follows waits here, holding no
// database connection and doing no work: it is woken when this process stores the batch it
// follows, and otherwise looks at the database's last_batch (the authority) every POLL_MS.
// At most one batch per kiosk waits; another is refused at once.
const lastBatchSeen = new Map<string, string>();
const waiting = new Set<string>();
const sleepers = new Map<string, () => void>();
function nap(kioskId: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      if (sleepers.get(kioskId) === done) sleepers.delete(kioskId);
      resolve();
    };
    const timer = setTimeout(done, ms);
    sleepers.set(kioskId, done);
  });
}
function wake(kioskId: string): void {
  sleepers.get(kioskId)?.();
}

// Batches refused here (turned away for load, or refused while waiting themselves), the last
// few ids of each kiosk (one that comes back may be refused again while an earlier batch still
// waits): one waiting for them is refused at once, not after the wait. Refusing is always safe:
// the kiosk keeps the rows and sends them again.
const refused = new Map<string, string[]>();
function markRefused(kioskId: string, batchId: string): void {
  const ids = refused.get(kioskId) ?? [];
  ids.push(batchId);
  refused.set(kioskId, ids.slice(-8));
  wake(kioskId);
}

/** Until the batch `after` is stored (here or by another registry process); BatchPendingError when it will not be. */
async function waitForPrevious(db: Db, kiosk: AuthedKiosk, after: string): Promise<void> {
  const deadline = Date.now() + WAIT_FOR_PREVIOUS_MS;
  let holds = false;
  try {
    for (;;) {
      const [k] = await db.query<{ last_batch: string | null }>('SELECT last_batch FROM kiosks WHERE id = $1', [kiosk.id]);
      if (k?.last_batch === after || lastBatchSeen.get(kiosk.id) === after) return;
      if (refused.get(kiosk.id)?.includes(after))
        throw new BatchPendingError('the batch this one follows was refused (the registry is busy?); send again');
      const left = deadline - Date.now();
      if (left <= 0)
        throw new BatchPendingError(`the batch this one follows has not arrived within ${WAIT_FOR_PREVIOUS_MS / 1000} s; send again`);
      if (!holds) {
        if (waiting.has(kiosk.id))
          throw new BatchPendingError('another batch from this kiosk is already waiting for the one it follows; send again');
        waiting.add(kiosk.id);
        holds = true;
      }
      await nap(kiosk.id, Math.min(POLL_MS, left));
    }
  } finally {
    if (holds) waiting.delete(kiosk.id);
  }
}

/**
 * Stores a batch (see ingestOnce). With `admission`, a busy registry turns the batch away
 * (LoadShedError) before any work on it. Its records are checked first, so that a kiosk's
 * second batch is checked while the first is being stored; a batch then waiting for the one
 * it follows gives its turn back meanwhile, and takes one again to store.
 */
export async function ingest(
  db: Db,
  kiosk: AuthedKiosk,
  batch: IngestInput,
  personKey?: Buffer,
  admission?: Admission,
  /** Where the per-record checks run (worker threads: registry/check-pool.ts); here, one by one, without. */
  checker?: (kiosk: AuthedKiosk, records: unknown[]) => Promise<RecordCheck[]>,
): Promise<RecordOutcome[]> {
  try {
    return await ingestInTurn(db, kiosk, batch, personKey, admission, checker);
  } catch (err) {
    if (batch.batch) markRefused(kiosk.id, batch.batch.id);
    throw err;
  }
}

async function ingestInTurn(
  db: Db,
  kiosk: AuthedKiosk,
  batch: IngestInput,
  personKey?: Buffer,
  admission?: Admission,
  checker?: (kiosk: AuthedKiosk, records: unknown[]) => Promise<RecordCheck[]>,
): Promise<RecordOutcome[]> {
  const after = batch.batch?.after ?? null;
  let leave = await admission?.enter();
  let results: RecordOutcome[];
  try {
    const checks = checker ? await checker(kiosk, batch.records) : batch.records.map((raw) => checkRecord(raw, kiosk));
    if (after && lastBatchSeen.get(kiosk.id) !== after) {
      leave?.();
      leave = undefined;
      await waitForPrevious(db, kiosk, after);
      leave = await admission?.enter();
    }
    results = await ingestOnce(db, kiosk, batch, checks, personKey);
  } finally {
    leave?.();
  }
  if (batch.batch) {
    lastBatchSeen.set(kiosk.id, batch.batch.id);
    wake(kiosk.id);
  }
  return results;
}

/**
 * The kiosk's queue as it stands after this answer: what it reported (this batch and what
 * follows it) less the rows this batch stored, accepted or acknowledged again.
 */
export function queueAfter(batch: IngestInput, results: RecordOutcome[]): number {
  let stored = 0;
  for (const r of results) if (r && r.status !== 'rejected') stored++;
  return Math.max(0, batch.queue.length - stored);
}

async function ingestOnce(
  db: Db,
  kiosk: AuthedKiosk,
  batch: IngestInput,
  checks: RecordCheck[],
  personKey?: Buffer,
): Promise<RecordOutcome[]> {
  const results: RecordOutcome[] = new Array(batch.records.length);
  const valid: { rec: CheckInRecord; at: number }[] = [];
  const seen = new Map<string, string>();
  checks.forEach((c, at) => {
    if (!c.ok) results[at] = { id: c.id, status: 'rejected', reason: c.reason };
    else if (seen.has(c.rec.id))
      results[at] =
        seen.get(c.rec.id) === c.rec.hash
          ? { id: c.rec.id, status: 'duplicate' }
          : { id: c.rec.id, status: 'rejected', reason: 'the same id twice with different content' };
    else {
      seen.set(c.rec.id, c.rec.hash);
      valid.push({ rec: c.rec, at });
    }
  });

  await db.tx(async (q) => {
    const [k] = await q.query<{ chain_seq: string; chain_hash: string; last_batch: string | null; disputed_rows: string }>(
      'SELECT chain_seq, chain_hash, last_batch, disputed_rows FROM kiosks WHERE id = $1 FOR UPDATE',
      [kiosk.id],
    );
    if (batch.batch?.after && k!.last_batch !== batch.batch.after) throw new BatchPendingError();
    let chainSeq = Number(k!.chain_seq);
    let chainHash = k!.chain_hash;
    let disputedRows = Number(k!.disputed_rows);
    const inserted = new Set<string>();
    if (valid.length) {
      // One array a column (16 parameters, one short statement) rather than 16 parameters a row.
      const columns = CHECKIN_COLUMNS.map(() => [] as unknown[]);
      for (const { rec } of valid) checkinRowValues(rec, kiosk.id, personKey).forEach((v, i) => columns[i]!.push(v));
      const got = await q.query<{ id: string }>(
        `INSERT INTO checkins (${CHECKIN_COLUMNS.join(',')}) SELECT * FROM unnest(${CHECKIN_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(',')}) ON CONFLICT DO NOTHING RETURNING id`,
        columns,
      );
      for (const g of got) inserted.add(g.id);
      const clash = valid.filter(({ rec }) => !inserted.has(rec.id));
      const existing = new Map<string, { kiosk_id: string; hash: string; disputed: boolean }>();
      if (clash.length) {
        const found = await q.query<{ id: string; kiosk_id: string; hash: string; disputed: boolean }>(
          `SELECT id, kiosk_id, hash, disputed FROM checkins WHERE id IN (${clash.map((_, i) => `$${i + 1}`).join(',')})`,
          clash.map(({ rec }) => rec.id),
        );
        for (const f of found) existing.set(f.id, f);
      }
      let duplicates = 0;
      // Rows whose id is held by a disputed row of this kiosk: they may replace it, if they follow the chain.
      const contenders = new Set<string>();
      for (const { rec, at } of valid) {
        if (inserted.has(rec.id)) results[at] = { id: rec.id, status: 'accepted' };
        else {
          const e = existing.get(rec.id);
          if (e && e.kiosk_id === kiosk.id && e.hash === rec.hash) {
            results[at] = { id: rec.id, status: 'duplicate' };
            duplicates++;
          } else if (e && e.kiosk_id === kiosk.id && e.disputed) contenders.add(rec.id);
          else results[at] = { id: rec.id, status: 'rejected', reason: 'this id is already used by a different check-in' };
        }
      }
      // Follow the chain over what is new, in sequence order. The head moves only along rows
      // that follow it; any other row is kept as disputed, with an alert, and never stands in
      // the way of the genuine row: one with its sequence (and even its id) that does follow.
      const alerts: [string, string][] = [];
      const stored = new Map<number, string>(); // seq → hash of rows stored by this batch
      const advance = async (rec: { seq: number; hash: string }) => {
        chainSeq = rec.seq;
        chainHash = rec.hash;
        // Disputed rows that follow the new head (they arrived before rows missing then) join the chain.
        while (disputedRows > 0) {
          const [next] = await q.query<{ id: string; hash: string }>(
            'UPDATE checkins SET disputed = false WHERE id = (SELECT id FROM checkins WHERE kiosk_id = $1 AND disputed AND seq = $2 AND prev_hash = $3 LIMIT 1) RETURNING id, hash',
            [kiosk.id, chainSeq + 1, chainHash],
          );
          if (!next) break;
          disputedRows--;
          chainSeq++;
          chainHash = next.hash;
        }
      };
      const fresh = valid.filter(({ rec }) => inserted.has(rec.id) || contenders.has(rec.id)).sort((a, b) => a.rec.seq - b.rec.seq);
      for (const { rec, at } of fresh) {
        const follows = rec.seq === chainSeq + 1 && rec.prevHash === chainHash;
        if (contenders.has(rec.id)) {
          if (!follows) {
            results[at] = { id: rec.id, status: 'rejected', reason: 'this id is already used by a different check-in' };
            continue;
          }
          const [old] = await q.query<{ hash: string; seq: string }>(
            'DELETE FROM checkins WHERE id = $1 AND kiosk_id = $2 AND disputed RETURNING hash, seq',
            [rec.id, kiosk.id],
          );
          const params = checkinRowValues(rec, kiosk.id, personKey);
          await q.query(
            `INSERT INTO checkins (${CHECKIN_COLUMNS.join(',')}) VALUES (${params.map((_, i) => `$${i + 1}`).join(',')})`,
            params,
          );
          disputedRows--;
          alerts.push([
            'disputed-replaced',
            `check-in ${rec.seq} follows the chain and replaced the disputed row with its id (seq ${old?.seq}, hash ${old?.hash.slice(0, 16)}…)`,
          ]);
          results[at] = { id: rec.id, status: 'accepted' };
        }
        stored.set(rec.seq, rec.hash);
        if (follows) {
          await advance(rec);
          continue;
        }
        await q.query('UPDATE checkins SET disputed = true WHERE id = $1 AND kiosk_id = $2', [rec.id, kiosk.id]);
        disputedRows++;
        if (rec.seq <= chainSeq) alerts.push(['chain-reuse', `check-in ${rec.seq} arrived with a new id after the chain had passed it`]);
        else if (rec.seq === chainSeq + 1)
          alerts.push([
            'chain-break',
            `check-in ${rec.seq} does not name check-in ${chainSeq} as its predecessor (altered or replaced row)`,
          ]);
        else {
          // Beyond a gap: say so once, and say when it does not follow the row before it either.
          let before = stored.get(rec.seq - 1);
          if (before === undefined) {
            const [b] = await q.query<{ hash: string }>('SELECT hash FROM checkins WHERE kiosk_id = $1 AND seq = $2 LIMIT 1', [
              kiosk.id,
              rec.seq - 1,
            ]);
            before = b?.hash;
          }
          if (before === undefined)
            alerts.push(['chain-gap', `check-ins ${chainSeq + 1}-${rec.seq - 1} never arrived before ${rec.seq} (deleted or lost rows)`]);
          else if (before !== rec.prevHash)
            alerts.push([
              'chain-break',
              `check-in ${rec.seq} does not name check-in ${rec.seq - 1} as its predecessor (altered or replaced row)`,
            ]);
        }
      }
      for (const [kind, detail] of alerts)
        await q.query('INSERT INTO alerts (kiosk_id, kind, detail) VALUES ($1, $2, $3)', [kiosk.id, kind, detail]);
      // Boarding claims and passes used twice, over the rows stored now (not those acknowledged again).
      await boardingOnIngest(
        q,
        kiosk,
        valid.filter(({ rec }) => inserted.has(rec.id)).map(({ rec }) => rec),
        personKey,
      );
      await q.query(
        'UPDATE kiosks SET chain_seq = $2, chain_hash = $3, duplicates_acknowledged = duplicates_acknowledged + $4, last_seen = now(), queue_length = $5, oldest_queued_ms = $6, last_batch = $7, disputed_rows = $8 WHERE id = $1',
        [
          kiosk.id,
          chainSeq,
          chainHash,
          duplicates,
          queueAfter(batch, results),
          batch.queue.oldestAgeMs,
          batch.batch?.id ?? null,
          disputedRows,
        ],
      );
    } else {
      await q.query('UPDATE kiosks SET last_seen = now(), queue_length = $2, oldest_queued_ms = $3, last_batch = $4 WHERE id = $1', [
        kiosk.id,
        queueAfter(batch, results),
        batch.queue.oldestAgeMs,
        batch.batch?.id ?? null,
      ]);
    }
  });
  return results;
}
