// The registry's operator edge: operator tokens (made by a local admin command, stored as
// scrypt hashes), the fleet page behind a login form that sets a session cookie, and the
// security headers every answer carries.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Db } from './db.js';
import { FLEET_STYLE, renderFleetPage, renderLoginPage } from './fleet-page.js';
import { fleetView, RANGES, type Range } from './fleet-view.js';
import { WORDS, type Lang } from './fleet-words.js';

const SCRYPT = { N: 16_384, r: 8, p: 1 } as const;
const scryptHash = (secret: string, salt: Buffer) =>
  new Promise<Buffer>((resolve, reject) => scrypt(secret, salt, 32, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))));

/** A token is `kop_<id>_<secret>`: the id finds the row, the secret is checked against its scrypt hash. */
const TOKEN = /^kop_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** Makes an operator token, stores only its scrypt hash, and returns it (shown once, never stored). */
export async function issueOperatorToken(db: Db, name: string): Promise<{ id: string; token: string }> {
  if (!/^[\p{L}\p{N} ._-]{1,64}$/u.test(name))
    throw new Error(`name "${name}": letters, digits, space, dot, dash or underscore (at most 64)`);
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const hash = await scryptHash(secret, salt);
  await db.query('INSERT INTO operator_tokens (id, name, salt, hash) VALUES ($1, $2, $3, $4)', [id, name, salt, hash]);
  return { id, token: `kop_${id}_${secret}` };
}

export async function listOperatorTokens(db: Db): Promise<{ id: string; name: string; createdAt: string; revoked: boolean }[]> {
  const rows = await db.query<{ id: string; name: string; created_at: Date; revoked_at: Date | null }>(
    'SELECT id, name, created_at, revoked_at FROM operator_tokens ORDER BY created_at',
  );
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: new Date(r.created_at).toISOString(), revoked: r.revoked_at !== null }));
}

export async function revokeOperatorToken(db: Db, id: string): Promise<boolean> {
  const r = await db.query('UPDATE operator_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING 1', [id]);
  return r.length > 0;
}

/** The token's id if it is genuine and not revoked. scrypt runs only for a token whose id exists. */
export async function checkOperatorToken(db: Db, token: string): Promise<string | null> {
  const m = TOKEN.exec(token);
  if (!m) return null;
  const [row] = await db.query<{ salt: Uint8Array; hash: Uint8Array }>(
    'SELECT salt, hash FROM operator_tokens WHERE id = $1 AND revoked_at IS NULL',
    [m[1]],
  );
  if (!row) return null;
  const got = await scryptHash(m[2]!, Buffer.from(row.salt));
  const want = Buffer.from(row.hash);
  return got.length === want.length && timingSafeEqual(got, want) ? m[1]! : null;
}

/** The headers every answer carries: no script, no framing, no sniffing, no referrer. */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(FLEET_STYLE).digest('base64')}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export const SESSION_COOKIE = 'fleet_session';
/** The reader's language, kept across visits (not a secret: no HttpOnly needed, but nothing reads it but the server). */
export const LANG_COOKIE = 'fleet_lang';

/**
 * The page's query: language, site and time range. A value that is not one of them is
 * refused with 400, never guessed; a site no kiosk has simply shows nothing.
 */
export const FleetQuery = z.strictObject({
  lang: z.enum(['vi', 'en']).optional(),
  site: z
    .string()
    .max(100)
    .regex(/^[\p{L}\p{N} ._:-]*$/u, 'a site name')
    .optional(),
  range: z.enum(Object.keys(RANGES) as [Range, ...Range[]]).optional(),
  /** Reload every 30 s, when the reader asks for it (a wall screen). */
  refresh: z.literal('30').optional(),
});

const SESSION_MS = 12 * 3_600_000;
const MAX_SESSIONS = 1000;

function cookieValue(req: FastifyRequest, name: string): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * The fleet page and its login. `POST /fleet/login` takes the operator token from a form and
 * sets an HttpOnly, SameSite=Strict session cookie (Secure when the request came over TLS);
 * sessions live in this process for 12 hours. A tool may send the token as
 * `Authorization: Bearer` instead. Anything else gets the login form with 401.
 */
export function registerFleet(app: FastifyInstance, db: Db, log: Logger): void {
  // Session ids are kept hashed, so a memory dump holds no usable cookie either.
  const sessions = new Map<string, { tokenId: string; expires: number }>();
  const sid = (v: string) => createHash('sha256').update(v).digest('hex');

  app.addHook('onSend', async (_req, reply) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
  });

  const operator = async (req: FastifyRequest): Promise<string | null> => {
    const auth = req.headers.authorization;
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) return checkOperatorToken(db, auth.slice(7).trim());
    const c = cookieValue(req, SESSION_COOKIE);
    if (!c) return null;
    const s = sessions.get(sid(c));
    if (!s || s.expires < Date.now()) return null;
    // A token revoked since the login ends its sessions too.
    const [live] = await db.query('SELECT 1 FROM operator_tokens WHERE id = $1 AND revoked_at IS NULL', [s.tokenId]);
    return live ? s.tokenId : null;
  };
  // The language: the query's (kept in a cookie for the next visit), else the cookie's, else Vietnamese.
  const langOf = (req: FastifyRequest): Lang => {
    const q = (req.query as { lang?: unknown } | undefined)?.lang;
    if (q === 'vi' || q === 'en') return q;
    const c = cookieValue(req, LANG_COOKIE);
    return c === 'en' ? 'en' : 'vi';
  };
  const keepLang = (req: FastifyRequest, reply: FastifyReply, lang: Lang) => {
    const q = (req.query as { lang?: unknown } | undefined)?.lang;
    if (q === lang && cookieValue(req, LANG_COOKIE) !== lang)
      void reply.header('set-cookie', `${LANG_COOKIE}=${lang}; Path=/fleet; SameSite=Strict; Max-Age=31536000`);
  };
  const login = (reply: FastifyReply, lang: Lang, problem?: string) =>
    reply.code(401).type('text/html; charset=utf-8').send(renderLoginPage(lang, problem));

  app.get('/fleet', async (req, reply) => {
    const lang = langOf(req);
    keepLang(req, reply, lang);
    if (!(await operator(req))) return login(reply, lang);
    const q = FleetQuery.safeParse(req.query ?? {});
    if (!q.success) {
      const i = q.error.issues[0]!;
      // The parameter's name only, never its value (plain text, in the page's language).
      const field = i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.join('.') || 'query';
      return reply
        .code(400)
        .type('text/plain; charset=utf-8')
        .send(WORDS[lang].badQuery(field.slice(0, 40)));
    }
    const view = await fleetView(db, { site: q.data.site || null, range: q.data.range ?? '6h' });
    return reply.type('text/html; charset=utf-8').send(renderFleetPage(view, lang, { refresh: q.data.refresh === '30' }));
  });

  app.post('/fleet/login', async (req, reply) => {
    const token = new URLSearchParams((req.rawBody ?? Buffer.alloc(0)).toString('utf8')).get('token') ?? '';
    const id = await checkOperatorToken(db, token.trim());
    if (!id) {
      log.warn({ ip: req.ip }, 'refused fleet login');
      const lang = langOf(req);
      return login(reply, lang, WORDS[lang].badToken);
    }
    const now = Date.now();
    for (const [k, s] of sessions) if (s.expires < now) sessions.delete(k);
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
    const value = randomBytes(32).toString('base64url');
    sessions.set(sid(value), { tokenId: id, expires: now + SESSION_MS });
    log.info({ operator: id, ip: req.ip }, 'fleet login');
    const secure = req.protocol === 'https' ? '; Secure' : '';
    return reply
      .header('set-cookie', `${SESSION_COOKIE}=${value}; Path=/fleet; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MS / 1000}${secure}`)
      .redirect('/fleet', 303);
  });

  app.post('/fleet/logout', async (req, reply) => {
    const c = cookieValue(req, SESSION_COOKIE);
    if (c) sessions.delete(sid(c));
    return reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/fleet; HttpOnly; SameSite=Strict; Max-Age=0`).redirect('/fleet', 303);
  });

  app.get('/', async (_req, reply) => reply.redirect('/fleet'));
}
