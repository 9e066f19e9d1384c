// What the registry benchmarks (sync, fleet) share: the registry as a child process on a
// throwaway PostgreSQL, kiosks registered straight in its database (each with its own key,
// signing like an enrolled one), and the same-run straight-insert baseline.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import type { CheckInRecord } from '../../main/protocol/registry-protocol.js';
import type { KioskStore } from '../../main/store/kiosk-store.js';
import { RegistryClient, type KioskCredentials } from '../../main/sync/registry-client.js';
import type { Db, Queryable } from '../../registry/db.js';
import { CHECKIN_COLUMNS, checkinRowValues } from '../../registry/ingest.js';
import { registryKey } from '../../registry/keys.js';

const kioskBin = fileURLToPath(new URL('../kiosk', import.meta.url));

export const pct = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN;
export const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

export function startRegistryProcess(url: string, env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  // FLEET_PROF=DIR: the registry writes a CPU profile there when it stops (finding where time goes).
  const prof = process.env['FLEET_PROF'];
  const child = spawn(
    process.execPath,
    [...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []), kioskBin, 'registry', '--db', url, '--port', '0', '--json'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KIOSK_LOG_LEVEL: 'error', ...env },
    },
  );
  child.stderr!.on('data', (d: Buffer) => {
    if (prof) process.stderr.write(d);
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        resolve({ url: (JSON.parse(out) as { url: string }).url, child });
      } catch {
        /* not yet whole */
      }
    });
    child.once('exit', (code) => reject(new Error(`kiosk registry exited with ${code}`)));
  });
}

/**
 * `n` kiosks enrolled straight in the registry's database (setup, not what is measured): each
 * its own Ed25519 key and the registry's key pinned, as enrolment would leave them.
 */
export async function registerKiosks(db: Db, registryUrl: string, n: number, siteOf: (i: number) => string): Promise<KioskCredentials[]> {
  const pinned = (await registryKey(db)).publicKey;
  const made = Array.from({ length: n }, (_, i) => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const creds: KioskCredentials = {
      kioskId: randomUUID(),
      site: siteOf(i),
      registryUrl,
      privateKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
      registryKey: pinned,
    };
    return { creds, raw: Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url') };
  });
  for (let at = 0; at < made.length; at += 500) {
    const part = made.slice(at, at + 500);
    await db.query(
      'INSERT INTO kiosks (id, site, name, public_key) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bytea[])',
      [part.map((m) => m.creds.kioskId), part.map((m) => m.creds.site), part.map((_, i) => `bench ${at + i}`), part.map((m) => m.raw)],
    );
  }
  return made.map((m) => m.creds);
}

/** The rows a store would upload, for the straight-insert baselines. */
export function rowsOf(store: KioskStore): CheckInRecord[] {
  const out: CheckInRecord[] = [];
  for (let page = store.page(0, 10_000); page.length; page = store.page(out[out.length - 1]!.seq, 10_000)) out.push(...page);
  return out;
}

/** The same rows by multi-row INSERT straight into PostgreSQL, `batch` rows a statement. */
export async function straightInsert(db: Queryable, rows: CheckInRecord[], kioskId: string, batch: number): Promise<void> {
  for (let at = 0; at < rows.length; at += batch) {
    const params: unknown[] = [];
    const values = rows.slice(at, at + batch).map((r) => {
      const b = params.length;
      params.push(...checkinRowValues(r, kioskId));
      return `(${CHECKIN_COLUMNS.map((_, i) => `$${b + i + 1}`).join(',')})`;
    });
    await db.query(`INSERT INTO checkins (${CHECKIN_COLUMNS.join(',')}) VALUES ${values.join(',')}`, params);
  }
}

/** A kiosk's client that times every request it makes. */
export class TimedClient extends RegistryClient {
  readonly times: number[] = [];
  /** The times of the requests that were answered 2xx. */
  readonly answered: number[] = [];
  override async request<T extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: T): Promise<z.infer<T>> {
    const t = performance.now();
    let ok = false;
    try {
      const out = await super.request(method, path, body, schema);
      ok = true;
      return out;
    } finally {
      this.times.push(performance.now() - t);
      if (ok) this.answered.push(performance.now() - t);
    }
  }
}

/** SIGTERM, and wait (bounded) until it has stopped. */
export async function stopRegistry(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
