// What the registry benchmarks (sync, fleet) share: the registry as a child process on a
// throwaway PostgreSQL, kiosks registered straight in its database (each with its own key,
// signing like an enrolled one), and the same-run straight-insert baseline.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { CheckInRecord } from '../../main/protocol/registry-protocol.js';
import type { KioskStore } from '../../main/store/kiosk-store.js';
import { RegistryClient, type KioskCredentials } from '../../main/sync/registry-client.js';
import type { Db, Queryable } from '../../registry/db.js';
import { CHECKIN_COLUMNS, checkinRowValues } from '../../registry/ingest.js';
import { registryKey } from '../../registry/keys.js';
import { startRegistryChild, type RegistryChild } from '../registry-child.js';

export const pct = (xs: number[], p: number) =>
  xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN;
export const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

/** The registry on the bench's PostgreSQL; FLEET_PROF=DIR has it write a CPU profile there when it stops. */
export function startRegistryProcess(url: string, env: Record<string, string> = {}): Promise<RegistryChild> {
  const prof = process.env['FLEET_PROF'];
  return startRegistryChild({
    storage: ['--db', url],
    nodeFlags: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
    env: { KIOSK_LOG_LEVEL: 'error', ...env },
    inheritStderr: Boolean(prof),
    killAfterMs: 30_000,
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
  override async request<T extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    schema: T,
    timeoutMs?: number,
  ): Promise<z.infer<T>> {
    const t = performance.now();
    let ok = false;
    try {
      const out = await super.request(method, path, body, schema, timeoutMs);
      ok = true;
      return out;
    } finally {
      this.times.push(performance.now() - t);
      if (ok) this.answered.push(performance.now() - t);
    }
  }
}
