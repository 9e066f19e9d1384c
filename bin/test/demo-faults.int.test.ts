// `kiosk demo` over a link that drops, delays, resets and truncates: the engine's sync keeps
// retrying until every check-in is acknowledged, and the registry holds each exactly once.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../main/core/logger.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { updateCredentials } from '../../main/sync/credentials.js';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from '../embedded-registry.js';
import { startFaultProxy, type Fate, type FaultProxy } from './fixtures/fault-proxy.js';

const kioskBin = fileURLToPath(new URL('../kiosk', import.meta.url));
let dir: string;
let reg: EmbeddedRegistry;
let proxy: FaultProxy;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-faults-'));
  reg = await startEmbeddedRegistry(null, silentLogger());
  // Half the requests meet a fault; a seeded sequence keeps runs comparable.
  let n = 0;
  const fates: Fate[] = ['pass', 'drop', 'pass', 'reset-after-request', 'pass', 'truncate-response', 'pass', 'delay'];
  proxy = await startFaultProxy(Number(new URL(reg.server.url).port), () => fates[n++ % fates.length]!);
  const store = new KioskStore(join(dir, 'kiosk.db'));
  const creds = await enrolWithEmbedded(store, reg, 'demo-faults', 'demo over a bad link');
  updateCredentials(store, { ...creds, registryUrl: `http://127.0.0.1:${proxy.port}` });
  store.close();
});

afterAll(async () => {
  await proxy?.close();
  await reg?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('kiosk demo over a faulty link', () => {
  it('retries until every check-in is acknowledged, each stored once', async () => {
    // Asynchronous: the registry and the proxy run in this process.
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        kioskBin,
        ['demo', '--site', 'hospital', '--count', '6', '--db', join(dir, 'kiosk.db'), '--sync-timeout', '90', '--json'],
        { encoding: 'utf8', timeout: 150_000, env: { ...process.env, KIOSK_LOG_LEVEL: 'error' } },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ count: 6, synced: 6, queued: 0 });
    const rows = await reg.db.query<{ n: string }>('SELECT count(*) AS n FROM checkins');
    expect(Number(rows[0]!.n)).toBe(6);
    expect(proxy.fates.drop + proxy.fates['reset-after-request'] + proxy.fates['truncate-response']).toBeGreaterThan(0);
  }, 180_000);
});
