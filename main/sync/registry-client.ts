// The kiosk's HTTP client for the registry: every request signed with the kiosk's Ed25519
// key, bounded in time and in response size, the answer parsed with the protocol schema.
// Failures come back as SyncError with a kind and words a technician can act on.
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import {
  EnrolRequest,
  EnrolResponse,
  ErrorBody,
  H_KIOSK,
  H_NONCE,
  H_SIGNATURE,
  H_TIME,
  KioskAlert,
  KioskAlertReceipt,
  signingText,
} from '../protocol/registry-protocol.js';

export type SyncErrorKind = 'offline' | 'timeout' | 'refused' | 'server' | 'protocol';

export class SyncError extends Error {
  constructor(
    readonly kind: SyncErrorKind,
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'SyncError';
  }
}

export interface KioskCredentials {
  kioskId: string;
  site: string;
  registryUrl: string;
  /** PKCS#8 DER, base64. */
  privateKey: string;
}

const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

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

async function call<T extends z.ZodType>(url: string, init: RequestInit, schema: T, timeoutMs: number): Promise<z.infer<T>> {
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
    );
  }
  const p = schema.safeParse(json);
  if (!p.success)
    throw new SyncError('protocol', `the registry's answer does not follow the protocol: ${p.error.issues[0]?.message ?? ''}`, res.status);
  return p.data;
}

export class RegistryClient {
  private readonly key: KeyObject;

  constructor(
    readonly credentials: KioskCredentials,
    private readonly timeoutMs = 15_000,
    /** The kiosk's clock (the signed time); tests give a skewed one. */
    private readonly now: () => number = Date.now,
  ) {
    this.key = createPrivateKey({ key: Buffer.from(credentials.privateKey, 'base64'), format: 'der', type: 'pkcs8' });
  }

  async request<T extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: T): Promise<z.infer<T>> {
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
    return call(
      new URL(path, this.credentials.registryUrl).toString(),
      { method, headers, ...(body !== undefined ? { body: bytes } : {}) },
      schema,
      this.timeoutMs,
    );
  }

  /**
   * Tells the registry what the kiosk found wrong on itself, e.g. verifyChain's
   * `{ seq, problem }` as a chain-break. Sending the same report again is harmless.
   */
  async reportAlert(alert: KioskAlert): Promise<KioskAlertReceipt> {
    return this.request('POST', '/v1/alerts', KioskAlert.parse(alert), KioskAlertReceipt);
  }
}

/** Makes the kiosk's key pair and enrols it with a one-time code from the registry's admin. */
export async function enrol(registryUrl: string, code: string, name: string, timeoutMs = 15_000): Promise<KioskCredentials> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'jwk' }).x!;
  const req = EnrolRequest.parse({ code: code.trim().toUpperCase(), publicKey: Buffer.from(raw, 'base64url').toString('base64'), name });
  const r = await call(
    new URL('/v1/enrol', registryUrl).toString(),
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(req) },
    EnrolResponse,
    timeoutMs,
  );
  return {
    kioskId: r.kioskId,
    site: r.site,
    registryUrl,
    privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
  };
}
