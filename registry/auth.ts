// Device identity: every kiosk request is signed with the kiosk's Ed25519 key over the
// method, path, body digest, time and a nonce. Each refusal has its own reason.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { H_KIOSK, H_NONCE, H_SIGNATURE, H_TIME, MAX_CLOCK_SKEW_MS, signingText } from '../main/protocol/registry-protocol.js';
import type { Db } from './db.js';
import { TickBatch } from './tick-batch.js';

export type AuthRefusal = 'missing-auth' | 'stale-timestamp' | 'unknown-kiosk' | 'revoked-kiosk' | 'bad-signature' | 'replayed-nonce';

export const REFUSAL_WORDS: Record<AuthRefusal, string> = {
  'missing-auth': 'the request is not signed (kiosk id, time, nonce and signature headers are required)',
  'stale-timestamp': `the request time is more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes from the registry's clock`,
  'unknown-kiosk': 'no kiosk is enrolled with this id',
  'revoked-kiosk': 'this kiosk has been revoked',
  'bad-signature': "the signature does not match the kiosk's key",
  'replayed-nonce': 'this request was already received (nonce seen before)',
};

export interface AuthedKiosk {
  id: string;
  site: string;
  /** Raw Ed25519 public key: the one its requests and its records are signed with. */
  publicKey: Uint8Array;
}

export type AuthResult = { ok: true; kiosk: AuthedKiosk } | { ok: false; refusal: AuthRefusal; kioskId: string | null };

const keyCache = new Map<string, KeyObject>();
export function ed25519FromRaw(raw: Uint8Array): KeyObject {
  const b64 = Buffer.from(raw).toString('base64');
  let k = keyCache.get(b64);
  if (!k) {
    k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
    if (keyCache.size > 10_000) keyCache.clear();
    keyCache.set(b64, k);
  }
  return k;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function authenticate(
  db: Db,
  method: string,
  path: string,
  headers: Record<string, string | string[] | undefined>,
  body: Uint8Array,
  now = Date.now(),
): Promise<AuthResult> {
  const one = (h: string) => (typeof headers[h] === 'string' ? (headers[h] as string) : null);
  const kioskId = one(H_KIOSK);
  const time = one(H_TIME);
  const nonce = one(H_NONCE);
  const signature = one(H_SIGNATURE);
  if (!kioskId || !time || !nonce || !signature || !UUID.test(kioskId) || !/^[A-Za-z0-9_-]{16,64}$/.test(nonce) || !/^\d{13}$/.test(time)) {
    return { ok: false, refusal: 'missing-auth', kioskId: kioskId && UUID.test(kioskId) ? kioskId : null };
  }
  if (Math.abs(Number(time) - now) > MAX_CLOCK_SKEW_MS) return { ok: false, refusal: 'stale-timestamp', kioskId };
  let k = known.get(db)?.get(kioskId);
  if (!k) {
    const [row] = await db.query<{ site: string; public_key: Uint8Array; revoked_at: Date | null }>(
      'SELECT site, public_key, revoked_at FROM kiosks WHERE id = $1',
      [kioskId],
    );
    if (!row) return { ok: false, refusal: 'unknown-kiosk', kioskId };
    if (row.revoked_at) return { ok: false, refusal: 'revoked-kiosk', kioskId };
    k = { site: row.site, publicKey: row.public_key };
    remember(db, kioskId, k);
  }
  const digest = createHash('sha256').update(body).digest('hex');
  const sig = Buffer.from(signature, 'base64');
  let good = false;
  try {
    good = sig.length === 64 && verify(null, Buffer.from(signingText(method, path, digest, time, nonce)), ed25519FromRaw(k.publicKey), sig);
  } catch {
    good = false;
  }
  if (!good) return { ok: false, refusal: 'bad-signature', kioskId };
  // Checked last, so only genuine requests can fill the nonce table; the same statement checks
  // that the kiosk is not revoked now (the cached key above never changes, its standing may).
  const taken = await nonces(db).take(kioskId, nonce);
  if (!taken) {
    const [row] = await db.query<{ revoked_at: Date | null }>('SELECT revoked_at FROM kiosks WHERE id = $1', [kioskId]);
    if (!row || row.revoked_at) return { ok: false, refusal: 'revoked-kiosk', kioskId };
    return { ok: false, refusal: 'replayed-nonce', kioskId };
  }
  return { ok: true, kiosk: { id: kioskId, site: k.site, publicKey: k.publicKey } };
}

// A kiosk's site and key never change once enrolled (a new key is a new enrolment, a new id):
// kept per database after the first request, so a request costs one statement, the nonce's.
const known = new WeakMap<Db, Map<string, { site: string; publicKey: Uint8Array }>>();
function remember(db: Db, id: string, k: { site: string; publicKey: Uint8Array }): void {
  let m = known.get(db);
  if (!m) known.set(db, (m = new Map()));
  if (m.size >= 200_000) m.clear();
  m.set(id, k);
}

/**
 * Nonces are taken in groups (registry/tick-batch.ts), and none is answered before its row is
 * written, so a replay is refused exactly as with one statement each, across registry processes too.
 */
async function takeNonces(db: Db, group: { kioskId: string; nonce: string }[]): Promise<boolean[]> {
  // The same nonce twice in one group: the later one is a replay of the earlier.
  const seen = new Set<string>();
  const firsts = group.map((g) => {
    const key = `${g.kioskId}/${g.nonce}`;
    if (seen.has(key)) return null;
    seen.add(key);
    return key;
  });
  const unique = group.filter((_, i) => firsts[i] !== null);
  const rows = await db.query<{ kiosk_id: string; nonce: string }>(
    `INSERT INTO nonces (kiosk_id, nonce)
       SELECT u.kiosk_id, u.nonce FROM unnest($1::uuid[], $2::text[]) AS u(kiosk_id, nonce)
         JOIN kiosks k ON k.id = u.kiosk_id AND k.revoked_at IS NULL
     ON CONFLICT DO NOTHING RETURNING kiosk_id, nonce`,
    [unique.map((p) => p.kioskId), unique.map((p) => p.nonce)],
  );
  const taken = new Set(rows.map((r) => `${r.kiosk_id}/${r.nonce}`));
  return firsts.map((key) => key !== null && taken.has(key));
}

const takers = new WeakMap<Db, TickBatch<{ kioskId: string; nonce: string }, boolean>>();
function nonces(db: Db): { take(kioskId: string, nonce: string): Promise<boolean> } {
  let t = takers.get(db);
  if (!t) takers.set(db, (t = new TickBatch((group) => takeNonces(db, group))));
  const batch = t;
  return { take: (kioskId, nonce) => batch.call({ kioskId, nonce }) };
}

/** Nonces older than twice the allowed skew can no longer be replayed (the time check refuses them). */
export async function pruneNonces(db: Db): Promise<void> {
  await db.query(`DELETE FROM nonces WHERE seen_at < now() - interval '${(2 * MAX_CLOCK_SKEW_MS) / 1000} seconds'`);
}
