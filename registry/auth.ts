// Device identity: every kiosk request is signed with the kiosk's Ed25519 key over the
// method, path, body digest, time and a nonce. Each refusal has its own reason.
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { H_KIOSK, H_NONCE, H_SIGNATURE, H_TIME, MAX_CLOCK_SKEW_MS, signingText } from '../main/protocol/registry-protocol.js';
import type { Db } from './db.js';

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
  const [k] = await db.query<{ site: string; public_key: Uint8Array; revoked_at: Date | null }>(
    'SELECT site, public_key, revoked_at FROM kiosks WHERE id = $1',
    [kioskId],
  );
  if (!k) return { ok: false, refusal: 'unknown-kiosk', kioskId };
  if (k.revoked_at) return { ok: false, refusal: 'revoked-kiosk', kioskId };
  const digest = createHash('sha256').update(body).digest('hex');
  const sig = Buffer.from(signature, 'base64');
  let good = false;
  try {
    good =
      sig.length === 64 && verify(null, Buffer.from(signingText(method, path, digest, time, nonce)), ed25519FromRaw(k.public_key), sig);
  } catch {
    good = false;
  }
  if (!good) return { ok: false, refusal: 'bad-signature', kioskId };
  // Checked last, so only genuine requests can fill the nonce table.
  const fresh = await db.query('INSERT INTO nonces (kiosk_id, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [kioskId, nonce]);
  if (fresh.length === 0) return { ok: false, refusal: 'replayed-nonce', kioskId };
  return { ok: true, kiosk: { id: kioskId, site: k.site, publicKey: k.public_key } };
}

/** Nonces older than twice the allowed skew can no longer be replayed (the time check refuses them). */
export async function pruneNonces(db: Db): Promise<void> {
  await db.query(`DELETE FROM nonces WHERE seen_at < now() - interval '${(2 * MAX_CLOCK_SKEW_MS) / 1000} seconds'`);
}
