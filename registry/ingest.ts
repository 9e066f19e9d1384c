// Check-in ingest: every record validated, stored once by its id (a retried or duplicated
// batch changes nothing and is acknowledged again), the kiosk's hash chain followed with
// gaps and breaks recorded as alerts, and an answer per record. Only the sending kiosk's
// row is locked.
import { createHash } from 'node:crypto';
import { canonicalJson, CheckInRecord, hashedText, uuid7Time, type RecordOutcome } from '../main/api/registry-protocol.js';
import type { AuthedKiosk } from './auth.js';
import type { Db } from './db.js';

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');

export function checkRecord(raw: unknown, kiosk: AuthedKiosk): { ok: true; rec: CheckInRecord } | { ok: false; id: string; reason: string } {
  const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id.slice(0, 64) : '';
  const p = CheckInRecord.safeParse(raw);
  if (!p.success) {
    const i = p.error.issues[0]!;
    return { ok: false, id, reason: `${i.path.join('.') || 'record'}: ${i.message}`.slice(0, 200) };
  }
  const rec = p.data;
  if (uuid7Time(rec.id) !== Date.parse(rec.recordedAt)) return { ok: false, id, reason: 'recordedAt differs from the time in the id' };
  if (rec.site !== kiosk.site) return { ok: false, id, reason: `site ${rec.site} is not the kiosk's enrolled site` };
  if (rec.identity && rec.identityDigest !== sha256(canonicalJson(rec.identity))) return { ok: false, id, reason: 'identityDigest does not match identity' };
  const { hash, identity: _identity, ...base } = rec;
  if (sha256(`${rec.prevHash}\n${hashedText(base)}`) !== hash) return { ok: false, id, reason: 'hash does not match the content' };
  return { ok: true, rec };
}

const COLS = ['id', 'recorded_at', 'kiosk_id', 'site', 'workflow', 'seq', 'decision', 'reasons', 'match_score', 'verification', 'identity', 'identity_digest', 'prev_hash', 'hash'];

export interface IngestInput {
  records: unknown[];
  queue: { length: number; oldestAgeMs: number };
}

export async function ingest(db: Db, kiosk: AuthedKiosk, batch: IngestInput): Promise<RecordOutcome[]> {
  const results: RecordOutcome[] = new Array(batch.records.length);
  const valid: { rec: CheckInRecord; at: number }[] = [];
  const seen = new Map<string, string>();
  batch.records.forEach((raw, at) => {
    const c = checkRecord(raw, kiosk);
    if (!c.ok) results[at] = { id: c.id, status: 'rejected', reason: c.reason };
    else if (seen.has(c.rec.id)) results[at] = seen.get(c.rec.id) === c.rec.hash ? { id: c.rec.id, status: 'duplicate' } : { id: c.rec.id, status: 'rejected', reason: 'the same id twice with different content' };
    else {
      seen.set(c.rec.id, c.rec.hash);
      valid.push({ rec: c.rec, at });
    }
  });

  await db.tx(async (q) => {
    const [k] = await q.query<{ chain_seq: string; chain_hash: string }>('SELECT chain_seq, chain_hash FROM kiosks WHERE id = $1 FOR UPDATE', [kiosk.id]);
    let chainSeq = Number(k!.chain_seq);
    let chainHash = k!.chain_hash;
    const inserted = new Set<string>();
    if (valid.length) {
      const params: unknown[] = [];
      const rows = valid.map(({ rec: r }) => {
        const base = params.length;
        params.push(r.id, r.recordedAt, kiosk.id, r.site, r.workflow, r.seq, r.decision, JSON.stringify(r.reasons), r.matchScore, JSON.stringify(r.verification), r.identity ? JSON.stringify(r.identity) : null, r.identityDigest, r.prevHash, r.hash);
        return `(${COLS.map((_, i) => `$${base + i + 1}`).join(',')})`;
      });
      const got = await q.query<{ id: string }>(`INSERT INTO checkins (${COLS.join(',')}) VALUES ${rows.join(',')} ON CONFLICT DO NOTHING RETURNING id`, params);
      for (const g of got) inserted.add(g.id);
      const clash = valid.filter(({ rec }) => !inserted.has(rec.id));
      const existing = new Map<string, { kiosk_id: string; hash: string }>();
      if (clash.length) {
        const found = await q.query<{ id: string; kiosk_id: string; hash: string }>(`SELECT id, kiosk_id, hash FROM checkins WHERE id IN (${clash.map((_, i) => `$${i + 1}`).join(',')})`, clash.map(({ rec }) => rec.id));
        for (const f of found) existing.set(f.id, f);
      }
      let duplicates = 0;
      for (const { rec, at } of valid) {
        if (inserted.has(rec.id)) results[at] = { id: rec.id, status: 'accepted' };
        else {
          const e = existing.get(rec.id);
          if (e && e.kiosk_id === kiosk.id && e.hash === rec.hash) {
            results[at] = { id: rec.id, status: 'duplicate' };
            duplicates++;
          } else results[at] = { id: rec.id, status: 'rejected', reason: 'this id is already used by a different check-in' };
        }
      }
      // Follow the chain over what was newly stored, in sequence order.
      const alerts: [string, string][] = [];
      for (const { rec } of valid.filter(({ rec }) => inserted.has(rec.id)).sort((a, b) => a.rec.seq - b.rec.seq)) {
        if (rec.seq === chainSeq + 1) {
          if (rec.prevHash !== chainHash) alerts.push(['chain-break', `check-in ${rec.seq} does not name check-in ${chainSeq} as its predecessor (altered or replaced row)`]);
        } else if (rec.seq > chainSeq + 1) {
          alerts.push(['chain-gap', `check-ins ${chainSeq + 1}-${rec.seq - 1} never arrived before ${rec.seq} (deleted or lost rows)`]);
        } else {
          alerts.push(['chain-reuse', `check-in ${rec.seq} arrived with a new id after the chain had passed it`]);
        }
        if (rec.seq > chainSeq) {
          chainSeq = rec.seq;
          chainHash = rec.hash;
        }
      }
      for (const [kind, detail] of alerts) await q.query('INSERT INTO alerts (kiosk_id, kind, detail) VALUES ($1, $2, $3)', [kiosk.id, kind, detail]);
      await q.query('UPDATE kiosks SET chain_seq = $2, chain_hash = $3, duplicates_acknowledged = duplicates_acknowledged + $4 WHERE id = $1', [kiosk.id, chainSeq, chainHash, duplicates]);
    }
    await q.query('UPDATE kiosks SET last_seen = now(), queue_length = $2, oldest_queued_ms = $3 WHERE id = $1', [kiosk.id, batch.queue.length, batch.queue.oldestAgeMs]);
  });
  return results;
}
