// Network fault test: between kiosk and registry, a loopback proxy drops, delays and resets
// connections and cuts answers short. Every check-in still arrives exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol, RegistryClient } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import type { Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { openRegistryDb } from '../../registry/open.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { registryStats } from '../../registry/stats.js';
import { startFaultProxy, type Fate } from './fixtures/fault-proxy.js';

let db: Db;
let server: RegistryServer;
let dir: string;
beforeAll(async () => {
  db = await openRegistryDb({ kind: 'pglite', dir: null });
  server = await startRegistryServer({ db, log: pino({ level: 'silent' }) });
  dir = mkdtempSync(join(tmpdir(), 'netfault-'));
});
afterAll(async () => {
  await server?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('network faults between kiosk and registry', () => {
  it('delivers 3,000 check-ins exactly once through drops, delays, resets and truncated answers', async () => {
    const fates: Fate[] = ['pass', 'pass', 'drop', 'delay', 'reset-after-request', 'truncate-response'];
    const proxy = await startFaultProxy(Number(new URL(server.url).port), () => fates[Math.floor(Math.random() * fates.length)]!);
    const { code } = await issueEnrolCode(db, 'hospital-b');
    const creds = await enrol(server.url, code, 'faulty network kiosk');
    const store = new KioskStore(join(dir, 'kiosk.db'));
    saveCredentials(store, creds);
    const client = new RegistryClient({ ...creds, registryUrl: `http://127.0.0.1:${proxy.port}` }, 3000);
    const engine = new SyncEngine(store, client, { batchRecords: 60, baseDelayMs: 5, maxDelayMs: 40, idleMs: 5, datasetsEveryMs: 1e9 });
    for (let i = 0; i < 3000; i++)
      store.record({
        site: 'hospital-b',
        workflow: 'hospital-checkin',
        decision: 'admitted',
        reasons: [],
        matchScore: null,
        verification: { chip: 'verified' },
        identity: null,
      });
    let passes = 0;
    const errors = new Set<string>();
    engine.on('error', (e: Error) => errors.add(e.message.replace(/\d+/g, 'N')));
    while (store.queue().length > 0 && passes < 2000) {
      const wait = await engine.pass();
      passes++;
      if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, 50)));
    }
    await proxy.close();
    expect(store.queue().length).toBe(0);
    const stats = await registryStats(db);
    const [row] = await db.query<{ n: string; d: string }>(
      'SELECT count(*) AS n, count(DISTINCT id) AS d FROM checkins WHERE kiosk_id = $1',
      [creds.kioskId],
    );
    expect([Number(row!.n), Number(row!.d)]).toEqual([3000, 3000]);
    expect(stats.chainBreaks).toBe(0);
    // Every kind of fault happened, and lost answers were retried and acknowledged as duplicates.
    expect(proxy.fates).toEqual({
      pass: expect.any(Number),
      drop: expect.any(Number),
      delay: expect.any(Number),
      'reset-after-request': expect.any(Number),
      'truncate-response': expect.any(Number),
    });
    expect(Math.min(...Object.values(proxy.fates))).toBeGreaterThan(0);
    console.info(
      'network faults:',
      JSON.stringify(proxy.fates),
      'duplicates acknowledged:',
      stats.duplicatesAcknowledged,
      'passes:',
      passes,
    );
    expect(stats.duplicatesAcknowledged).toBeGreaterThan(0);
    expect([...errors].length).toBeGreaterThan(0);
    store.close();
  }, 120_000);
});
