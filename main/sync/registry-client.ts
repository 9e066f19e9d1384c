// The kiosk's HTTP client for the registry: every request signed with the kiosk's Ed25519
// key, bounded in time and in response size; every answer's signature checked with the
// registry's key pinned at enrolment (bound to the request it answers) before anything in it
// is used; the answer parsed with the protocol schema. Failures come back as SyncError with a
// kind and words a technician can act on.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import {
  answerSigningText,
  BoardingClaim,
  BoardingClaimAnswer,
  datasetItemSigningText,
  EnrolRequest,
  EnrolResponse,
  ErrorBody,
  H_KIOSK,
  H_NONCE,
  H_REGISTRY_SIGNATURE,
  H_SIGNATURE,
  H_TIME,
  KioskAlert,
  KioskAlertReceipt,
  signingText,
} from '../protocol/registry-protocol.js';

/** 'unauthenticated': an answer that is not signed by the pinned registry key; nothing in it is used. */
export type SyncErrorKind = 'offline' | 'timeout' | 'refused' | 'server' | 'protocol' | 'unauthenticated';

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
    /** A signed 429 or 503 said when to come back (Retry-After, bounded): the kiosk waits that long, plus jitter. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

export interface KioskCredentials {
  kioskId: string;
  site: string;
  registryUrl: string;
  /** PKCS#8 DER, base64 (kept in the key file beside the kiosk database, not in it). */
  privateKey: string;
  /**
   * The registry's Ed25519 public key (raw, base64), pinned at enrolment from the enrolment
   * answer (trust on first use, with the one-time code). Kiosks enrolled before answers were
   * signed have none and must enrol again.
   */
  registryKey?: string;
  /** This kiosk's letter for hospital queue numbers, given at enrolment. */
  ticketPrefix?: string;
}

/** Whether a registry address may be used: https, or http to this machine only (loopback), or anything in simulator mode. */
export function registryUrlProblem(url: string, simulator: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `the registry address "${url.slice(0, 100)}" is not a URL`;
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol !== 'http:') return `the registry address must be https:// (not ${u.protocol})`;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1';
  if (loopback || simulator) return null;
  return `the registry address ${u.origin} is plain http:// to another machine: use https:// (kiosk registry --tls-cert/--tls-key, or a TLS proxy); plain http is for loopback or simulator mode only`;
}

/** The answer's signature, checked before the answer is used. */
interface AnswerCheck {
  key: KeyObject;
  method: string;
  path: string;
  nonce: string;
  requestDigest: string;
}

export function registryPublicKey(raw: string): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw, 'base64').toString('base64url') }, format: 'jwk' });
}

function answerSigned(res: Response, text: string, check: AnswerCheck): boolean {
  const sig = res.headers.get(H_REGISTRY_SIGNATURE);
  if (!sig) return false;
  const digest = createHash('sha256').update(text, 'utf8').digest('hex');
  try {
    const b = Buffer.from(sig, 'base64');
    return (
      b.length === 64 &&
      verify(
        null,
        Buffer.from(answerSigningText(check.method, check.path, check.nonce, check.requestDigest, res.status, digest)),
        check.key,
        b,
      )
    );
  } catch {
    return false;
  }
}

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
/** The longest Retry-After a kiosk takes (a registry asking for more is waited on this long, then tried). */
export const MAX_RETRY_AFTER_MS = 300_000;

/**
 * Retry-After of a signed 429/503 in whole seconds (the only form the registry sends); null for
 * anything else, which the kiosk's own backoff then covers.
 */
export function retryAfterOf(res: Response): number | null {
  if (res.status !== 429 && res.status !== 503) return null;
  const v = res.headers.get('retry-after')?.trim() ?? '';
  if (!/^\d{1,6}$/.test(v)) return null;
  return Math.min(MAX_RETRY_AFTER_MS, Number(v) * 1000);
}

async function readBounded(res: Response): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    n += value.length;
    if (n > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new SyncError('protocol', `the registry's answer is larger than ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function call<T extends z.ZodType>(
  url: string,
  init: RequestInit,
  schema: T,
  timeoutMs: number,
  /** A function: the key comes from the answer (enrolment); null takes a refusal unchecked, as words only. */
  check: AnswerCheck | ((res: Response, json: unknown) => AnswerCheck | null),
): Promise<z.infer<T>> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    text = await readBounded(res);
  } catch (err) {
    if (err instanceof SyncError) throw err;
    const e = err as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      throw new SyncError('timeout', `the registry did not answer within ${timeoutMs / 1000} s`);
    throw new SyncError('offline', `cannot reach the registry (${e.cause?.code ?? e.message})`);
  }
  // Before anything in it is used: is it the registry's answer, to this request?
  let pre: unknown;
  try {
    pre = typeof check === 'function' && text ? JSON.parse(text) : undefined;
  } catch {
    pre = undefined;
  }
  let verified = false;
  try {
    const c = typeof check === 'function' ? check(res, pre) : check;
    verified = c === null ? !res.ok : answerSigned(res, text, c);
  } catch {
    verified = false;
  }
  if (!verified)
    throw new SyncError(
      'unauthenticated',
      `the answer (status ${res.status}) is not signed by the registry's key: not acted on (another server on the registry's address?)`,
      res.status,
    );
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    throw new SyncError(
      res.status >= 500 ? 'server' : 'protocol',
      `the registry answered ${res.status} with a body that is not JSON (cut short?)`,
      res.status,
    );
  }
  if (!res.ok) {
    const e = ErrorBody.safeParse(json);
    const words = e.success ? `${e.data.message} (${e.data.error})` : `status ${res.status}`;
    throw new SyncError(
      res.status >= 500 ? 'server' : 'refused',
      `the registry refused: ${words}`,
      res.status,
      e.success ? e.data.error : null,
      retryAfterOf(res),
    );
  }
  const p = schema.safeParse(json);
  if (!p.success)
    throw new SyncError('protocol', `the registry's answer does not follow the protocol: ${p.error.issues[0]?.message ?? ''}`, res.status);
  return p.data;
}

export class RegistryClient {
  private readonly key: KeyObject;
  private readonly registryKey: KeyObject | null;

  constructor(
    readonly credentials: KioskCredentials,
    private readonly timeoutMs = 15_000,
    /** The kiosk's clock (the signed time); tests give a skewed one. */
    private readonly now: () => number = Date.now,
  ) {
    this.key = createPrivateKey({ key: Buffer.from(credentials.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
    this.registryKey = credentials.registryKey ? registryPublicKey(credentials.registryKey) : null;
  }

  async request<T extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: T,
    timeoutMs = this.timeoutMs,
  ): Promise<z.infer<T>> {
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    const time = String(this.now());
    const nonce = randomBytes(18).toString('base64url');
    const digest = createHash('sha256').update(bytes).digest('hex');
    const signature = sign(null, Buffer.from(signingText(method, path, digest, time, nonce)), this.key).toString('base64');
    const headers: Record<string, string> = {
      [H_KIOSK]: this.credentials.kioskId,
      [H_TIME]: time,
      [H_NONCE]: nonce,
      [H_SIGNATURE]: signature,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (!this.registryKey)
      throw new SyncError(
        'unauthenticated',
        'this kiosk has no pinned registry key (enrolled before the registry signed its answers): enrol it again (kiosk sync enrol) to sync',
      );
    return call(
      new URL(path, this.credentials.registryUrl).toString(),
      { method, headers, ...(body !== undefined ? { body: bytes } : {}) },
      schema,
      timeoutMs,
      { key: this.registryKey, method, path, nonce, requestDigest: digest },
    );
  }

  /** Whether a dataset item is signed by the pinned registry key, for this dataset, line (site; '' for trust) and version. */
  datasetItemSigned(
    dataset: string,
    line: string,
    c: { key: string; value: unknown; deleted: boolean; version: number; sig: string },
  ): boolean {
    if (!this.registryKey) return false;
    try {
      const b = Buffer.from(c.sig, 'base64');
      return (
        b.length === 64 &&
        verify(null, Buffer.from(datasetItemSigningText(dataset, line, c.key, c.version, c.value, c.deleted)), this.registryKey, b)
      );
    } catch {
      return false;
    }
  }

  /**
   * Tells the registry what the kiosk found wrong on itself, e.g. verifyChain's
   * `{ seq, problem }` as a chain-break. Sending the same report again is harmless.
   */
  async reportAlert(alert: KioskAlert): Promise<KioskAlertReceipt> {
    return this.request('POST', '/v1/alerts', KioskAlert.parse(alert), KioskAlertReceipt);
  }
}

/** How long a gate waits for the registry's boarding answer before it decides on its own record. */
export const BOARDING_CLAIM_TIMEOUT_MS = 1500;

/**
 * What the registry said of a passenger about to board, for the workflow: `boarded` (an
 * admitted check-in or another gate's live claim holds them: refuse), `free` (the claim is this
 * kiosk's: admit if all else passes), `offline` (no answer that can be trusted: decide on the
 * kiosk's own record, docs/STORE-SYNC-REGISTRY.md "Boarding once").
 */
export type BoardingCheck =
  | { kind: 'boarded'; at: string; kiosk: string; by: 'check-in' | 'claim' }
  | { kind: 'free'; expiresAt: string }
  | { kind: 'offline'; why: string };

/**
 * Asks the registry to claim the passenger for this kiosk (POST /v1/boarding/claim). Never
 * throws: not enrolled (`client` null), unreachable, slow, refusing, or an answer not signed
 * by the registry's key all come back as `offline`, with why.
 */
export async function claimBoarding(
  client: RegistryClient | null,
  claim: BoardingClaim,
  timeoutMs = BOARDING_CLAIM_TIMEOUT_MS,
): Promise<BoardingCheck> {
  if (!client) return { kind: 'offline', why: 'not enrolled' };
  try {
    const a = await client.request('POST', '/v1/boarding/claim', BoardingClaim.parse(claim), BoardingClaimAnswer, timeoutMs);
    return a.boarded ? { kind: 'boarded', at: a.at, kiosk: a.kiosk, by: a.by } : { kind: 'free', expiresAt: a.expiresAt };
  } catch (err) {
    return { kind: 'offline', why: err instanceof SyncError ? err.message : `the claim could not be made: ${(err as Error).message}` };
  }
}

/**
 * Makes the kiosk's key pair and enrols it with a one-time code from the registry's admin.
 * The answer carries the registry's key, which the kiosk pins (trust on first use: the answer
 * is checked against the key it carries, bound to this request; over https, or on loopback,
 * that is the registry the technician named). Plain http to another machine is refused
 * outside simulator mode.
 */
export async function enrol(
  registryUrl: string,
  code: string,
  name: string,
  timeoutMs = 15_000,
  options: { simulator?: boolean } = {},
): Promise<KioskCredentials> {
  const problem = registryUrlProblem(registryUrl, options.simulator ?? false);
  if (problem) throw new SyncError('refused', problem);
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x!;
  const req = EnrolRequest.parse({ code: code.trim().toUpperCase(), publicKey: Buffer.from(raw, 'base64url').toString('base64'), name });
  const body = JSON.stringify(req);
  const nonce = randomBytes(18).toString('base64url');
  const requestDigest = createHash('sha256').update(body).digest('hex');
  let pinned = '';
  const r = await call(
    new URL('/v1/enrol', registryUrl).toString(),
    { method: 'POST', headers: { 'content-type': 'application/json', [H_NONCE]: nonce }, body },
    EnrolResponse,
    timeoutMs,
    (res, json) => {
      // A refusal is checked against no key (there is none yet): nothing in it is kept, the words are shown.
      if (!res.ok) return null;
      const k = (json as { registryKey?: unknown } | undefined)?.registryKey;
      pinned = typeof k === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(k) ? k : '';
      if (!pinned) throw new Error('no key in the answer');
      return { key: registryPublicKey(pinned), method: 'POST', path: '/v1/enrol', nonce, requestDigest };
    },
  );
  return {
    kioskId: r.kioskId,
    site: r.site,
    registryUrl,
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    registryKey: r.registryKey,
    ...(r.ticketPrefix ? { ticketPrefix: r.ticketPrefix } : {}),
  };
}
