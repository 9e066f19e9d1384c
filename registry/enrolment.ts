// Enrolment: the registry's admin issues a code for a site that enrols one kiosk (or up to N,
// for a fleet installed at once); a kiosk presents it with its new Ed25519 public key and
// becomes a known device of that site.
import { createHash, randomInt, randomUUID } from 'node:crypto';
import type { Db } from './db.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I
const hashCode = (code: string) => createHash('sha256').update(code.toUpperCase()).digest('hex');

export const MAX_CODE_USES = 10_000;

export async function issueEnrolCode(
  db: Db,
  site: string,
  validHours = 24,
  uses = 1,
): Promise<{ code: string; expiresAt: string; uses: number }> {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(site)) throw new Error(`site "${site}": use letters, digits, dot, dash or underscore (at most 64)`);
  if (!Number.isInteger(uses) || uses < 1 || uses > MAX_CODE_USES)
    throw new Error(`uses ${uses}: a whole number from 1 to ${MAX_CODE_USES}`);
  const group = () => Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  const code = `${group()}-${group()}-${group()}`;
  const expiresAt = new Date(Date.now() + validHours * 3_600_000).toISOString();
  await db.query('INSERT INTO enrol_codes (code_hash, site, expires_at, uses) VALUES ($1, $2, $3, $4)', [
    hashCode(code),
    site,
    expiresAt,
    uses,
  ]);
  return { code, expiresAt, uses };
}

export type EnrolResult =
  { ok: true; kioskId: string; site: string; ticketPrefix: string } | { ok: false; reason: 'unknown-code' | 'used-code' | 'expired-code' };

/** The n-th kiosk's letter at its site (1 → A … 26 → Z, 27 → AA … 702 → ZZ). */
export function ticketPrefix(n: number): string {
  if (n <= 26) return String.fromCharCode(64 + n);
  const m = n - 27;
  return String.fromCharCode(65 + Math.floor(m / 26)) + String.fromCharCode(65 + (m % 26));
}

export async function enrolKiosk(db: Db, code: string, publicKey: Uint8Array, name: string): Promise<EnrolResult> {
  return db.tx(async (q) => {
    const [c] = await q.query<{ site: string; expires_at: Date; uses: number; used: number }>(
      'SELECT site, expires_at, uses, used FROM enrol_codes WHERE code_hash = $1',
      [hashCode(code)],
    );
    if (!c) return { ok: false, reason: 'unknown-code' } as const;
    if (new Date(c.expires_at).getTime() < Date.now()) return { ok: false, reason: 'expired-code' } as const;
    // One use taken in one statement: of two kiosks racing for the last use, the second finds none left.
    const took = await q.query('UPDATE enrol_codes SET used = used + 1, used_at = now() WHERE code_hash = $1 AND used < uses RETURNING 1', [
      hashCode(code),
    ]);
    if (took.length === 0) return { ok: false, reason: 'used-code' } as const;
    const kioskId = randomUUID();
    // The site's first free letter; enrolments of one site are serialised by an advisory lock.
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [c.site]);
    const taken = new Set(
      (await q.query<{ ticket_prefix: string | null }>('SELECT ticket_prefix FROM kiosks WHERE site = $1', [c.site])).map(
        (r) => r.ticket_prefix,
      ),
    );
    let n = 1;
    while (taken.has(ticketPrefix(n))) n++;
    const prefix = ticketPrefix(n);
    await q.query('INSERT INTO kiosks (id, site, name, public_key, ticket_prefix) VALUES ($1, $2, $3, $4, $5)', [
      kioskId,
      c.site,
      name,
      Buffer.from(publicKey),
      prefix,
    ]);
    // The latest kiosk enrolled with it (the only one of a one-time code).
    await q.query('UPDATE enrol_codes SET kiosk_id = $2 WHERE code_hash = $1', [hashCode(code), kioskId]);
    return { ok: true, kioskId, site: c.site, ticketPrefix: prefix } as const;
  });
}

export async function revokeKiosk(db: Db, kioskId: string): Promise<boolean> {
  const r = await db.query('UPDATE kiosks SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING 1', [kioskId]);
  if (r.length)
    await db.query("INSERT INTO alerts (kiosk_id, kind, detail) VALUES ($1, 'revoked', 'kiosk revoked by the administrator')", [kioskId]);
  return r.length > 0;
}
