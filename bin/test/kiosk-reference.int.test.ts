// The kiosk against its registry's data: a dataset that does not parse is refused and the
// last good one stays; a kiosk database altered while offline is found at start and the
// break is reported to the registry. No card readers here (PC/SC points nowhere).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKiosk, type Kiosk } from '../../main/core/kiosk.js';
import { silentLogger } from '../../main/core/logger.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { updateCredentials } from '../../main/sync/credentials.js';
import { datasetItemSigningText } from '../../main/protocol/registry-protocol.js';
import { publishDataset } from '../../registry/datasets.js';
import { registryKey } from '../../registry/keys.js';
import { registryStats } from '../../registry/stats.js';
import { simSiteConfig } from '../../simulator/site-data.js';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from '../embedded-registry.js';

let dir: string;
let reg: EmbeddedRegistry;
const log = silentLogger();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-ref-'));
  process.env['PCSCLITE_CSOCK_NAME'] = join(dir, 'no-pcscd.comm');
  reg = await startEmbeddedRegistry(null, log);
});
afterAll(async () => {
  await reg?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(ok: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function kioskOn(db: KioskStore): Promise<Kiosk> {
  return startKiosk({
    simulator: true,
    log,
    db,
    siteKind: 'hospital',
    ui: false,
    scanner: false,
    sync: { baseDelayMs: 50, maxDelayMs: 300, idleMs: 50, datasetsEveryMs: 100 },
  });
}

describe('reference data from the registry', () => {
  it('refuses a dataset version that does not parse and keeps the last good one', async () => {
    const store = new KioskStore(join(dir, 'a.db'));
    const creds = await enrolWithEmbedded(store, reg, 'site-a', 'kiosk a');
    const good = { ...simSiteConfig('hospital'), name: 'Good hospital' };
    await publishDataset(reg.db, 'site-config', creds.site, [{ key: 'site', value: good }]);
    const kiosk = await kioskOn(store);
    try {
      await waitFor(() => kiosk.reference.siteConfig.name === 'Good hospital', 'the kiosk applies the good configuration');
      // The registry refuses a bad publication itself…
      await expect(publishDataset(reg.db, 'site-config', creds.site, [{ key: 'site', value: { ...good, clinics: [] } }])).rejects.toThrow(
        /clinics/,
      );
      // …so a bad version can only come from a damaged or hostile registry: written behind its back.
      // (Signed with the registry's own key, as a hostile registry would: what fails is the format.)
      const bad = { ...good, name: 'Bad', face: { retries: 99 } };
      const sig = (await registryKey(reg.db)).sign(datasetItemSigningText('site-config', creds.site, 'site', 2, bad, false));
      await reg.db.query("UPDATE dataset_items SET value = $1, version = 2, sig = $3 WHERE dataset = 'site-config' AND site = $2", [
        JSON.stringify(bad),
        creds.site,
        sig,
      ]);
      await reg.db.query("UPDATE dataset_versions SET version = 2 WHERE dataset = 'site-config' AND site = $1", [creds.site]);
      await waitFor(() => kiosk.status().datasets['site-config']!.problem !== null, 'the kiosk reports the refusal');
      const st = kiosk.status().datasets['site-config']!;
      expect(st).toMatchObject({ source: 'registry', version: 1, problem: expect.stringMatching(/version 2 refused: .*face\.retries/) });
      expect(kiosk.reference.siteConfig.name).toBe('Good hospital');
      expect(store.datasetVersions()['site-config']).toBe(1);
    } finally {
      await kiosk.stop();
      store.close();
    }
  });

  it("only gets its own site's configuration", async () => {
    const store = new KioskStore(join(dir, 'b.db'));
    await enrolWithEmbedded(store, reg, 'site-b', 'kiosk b');
    await publishDataset(reg.db, 'site-config', 'site-c', [{ key: 'site', value: { ...simSiteConfig('hospital'), name: 'Someone else' } }]);
    const kiosk = await kioskOn(store);
    try {
      await waitFor(() => kiosk.sync!.status().lastSuccessAt !== null, 'a sync pass');
      await new Promise((r) => setTimeout(r, 300));
      expect(kiosk.reference.siteConfig.name).not.toBe('Someone else');
    } finally {
      await kiosk.stop();
      store.close();
    }
  });
});

describe('a registry that cannot be reached', () => {
  it("keeps the kiosk running when the registry's name does not resolve, and says why", async () => {
    const store = new KioskStore(join(dir, 'dns.db'));
    const creds = await enrolWithEmbedded(store, reg, 'site-e', 'kiosk e');
    updateCredentials(store, { ...creds, registryUrl: 'http://registry.invalid:8080' });
    const kiosk = await kioskOn(store);
    try {
      await waitFor(() => kiosk.status().sync.lastError !== null, 'the kiosk notices');
      expect(kiosk.status().sync).toMatchObject({ enrolled: true, online: false, lastError: expect.stringMatching(/registry/) });
      store.record({
        site: creds.site,
        workflow: 'hospital-checkin',
        decision: 'admitted',
        reasons: [],
        matchScore: null,
        verification: {},
        identity: null,
      });
      expect(kiosk.status().sync.queued).toBe(1);
    } finally {
      await kiosk.stop();
      store.close();
    }
  });
});

describe('a kiosk whose clock is wrong', () => {
  it('keeps checking people in when the registry refuses its stale requests, and says why', async () => {
    const store = new KioskStore(join(dir, 'skew.db'));
    await enrolWithEmbedded(store, reg, 'site-f', 'kiosk f');
    const skewed = () => Date.now() + 20 * 60_000;
    const kiosk = await startKiosk({
      simulator: true,
      log,
      db: store,
      siteKind: 'hospital',
      ui: false,
      scanner: false,
      sync: { baseDelayMs: 50, maxDelayMs: 300, idleMs: 50, now: skewed },
    });
    try {
      await waitFor(() => kiosk.status().sync.lastError !== null, 'the kiosk notices');
      expect(kiosk.status().sync.lastError).toMatch(/stale|clock|time/i);
      store.record({
        site: 'site-f',
        workflow: 'hospital-checkin',
        decision: 'admitted',
        reasons: [],
        matchScore: null,
        verification: {},
        identity: null,
      });
      expect(kiosk.status().sync.queued).toBe(1);
    } finally {
      await kiosk.stop();
      store.close();
    }
  });
});

describe("the kiosk's own chain", () => {
  it('finds a record altered while offline at start, and reports it to the registry', async () => {
    const store = new KioskStore(join(dir, 'c.db'));
    const creds = await enrolWithEmbedded(store, reg, 'site-d', 'kiosk d');
    for (let i = 0; i < 3; i++)
      store.record({
        site: creds.site,
        workflow: 'hospital-checkin',
        decision: 'refused',
        reasons: ['card-expired'],
        matchScore: null,
        verification: { face: 'not-checked' },
        identity: null,
      });
    store.db.prepare("UPDATE checkins SET decision = 'admitted', reasons = '[]' WHERE seq = 2").run();
    const before = (await registryStats(reg.db)).chainBreaks;
    const kiosk = await kioskOn(store);
    try {
      expect(kiosk.status().chain).toMatchObject({ ok: false, problem: expect.stringMatching(/check-in 2: altered/) });
      const reported = async () =>
        reg.db.query<{ detail: string }>("SELECT detail FROM alerts WHERE kind = 'chain-break' AND detail LIKE 'reported by the kiosk%'");
      const deadline = Date.now() + 10_000;
      while ((await reported()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect((await reported()).map((r) => r.detail)).toEqual([expect.stringMatching(/check-in 2/)]);
      // The registry also sees the altered row arrive (its own chain check).
      expect((await registryStats(reg.db)).chainBreaks).toBeGreaterThan(before);
    } finally {
      await kiosk.stop();
      store.close();
    }
  });
});
