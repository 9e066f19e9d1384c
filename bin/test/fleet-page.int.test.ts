// Lives in bin/test: it joins the kiosk side (main/store, main/sync) and the registry, as bin does.
// The fleet page as operators read it, against a real registry on loopback (PGlite and a
// throwaway PostgreSQL cluster): the queue
// after the last answer, the site filter, alerts with what to do in both languages, the time
// series written and pruned, dataset versions, and the login still in front of it all.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KioskStore, type CheckInInput } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol, RegistryClient, type KioskCredentials } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import { publishDataset } from '../../registry/datasets.js';
import type { Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { renderFleetPage } from '../../registry/fleet-page.js';
import { fleetView } from '../../registry/fleet-view.js';
import { ALERT_ADVICE } from '../../registry/fleet-words.js';
import { openRegistryDb } from '../../registry/open.js';
import { startPostgresCluster, type PostgresCluster } from '../../registry/postgres-cluster.js';
import { issueOperatorToken, LANG_COOKIE } from '../../registry/operator.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { csca, hospitalConfig } from './fixtures/dataset-items.js';

/** As the page escapes text. */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const SAMPLE: CheckInInput = {
  site: 'hospital-a',
  workflow: 'hospital-checkin',
  decision: 'admitted',
  reasons: [],
  matchScore: 0.7,
  verification: { chip: 'verified' },
  identity: { idNumber: '001099012345' },
};

describe.each(['pglite', 'postgres'] as const)('the fleet page on %s', (backend) => {
  let cluster: PostgresCluster | null = null;
  let db: Db;
  let server: RegistryServer;
  let dir: string;
  let token: string;
  const stores: KioskStore[] = [];

  beforeAll(async () => {
    if (backend === 'postgres') cluster = await startPostgresCluster();
    db = await openRegistryDb(cluster ? { kind: 'postgres', url: cluster.url } : { kind: 'pglite', dir: null });
    server = await startRegistryServer({ db, log: pino({ level: 'silent' }), personKey: randomBytes(32) });
    dir = mkdtempSync(join(tmpdir(), 'fleet-page-test-'));
    token = (await issueOperatorToken(db, 'tests')).token;
  }, 60_000);
  afterAll(async () => {
    for (const s of stores) s.close();
    await server?.close();
    await db?.close();
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function kiosk(site: string, name: string, batchRecords = 500) {
    const { code } = await issueEnrolCode(db, site);
    const creds: KioskCredentials = await enrol(server.url, code, name);
    const store = new KioskStore(join(dir, `k${stores.length}.db`));
    saveCredentials(store, creds);
    stores.push(store);
    const client = new RegistryClient(creds);
    return { creds, store, client, engine: new SyncEngine(store, client, { batchRecords }) };
  }
  const page = async (query = '', headers: Record<string, string> = { authorization: `Bearer ${token}` }) =>
    fetch(`${server.url}/fleet${query}`, { headers });
  const html = async (query = '') => {
    const res = await page(query);
    expect(res.status).toBe(200);
    return res.text();
  };
  /** The kiosk's row on the page, cell by cell (tags stripped). */
  const rowOf = (text: string, kioskId: string) => {
    const row = text.split('<tr').find((r) => r.includes(`<small>${kioskId}</small></th>`));
    if (!row) throw new Error(`no row for ${kioskId}`);
    return [...row.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((m) =>
      m[1]!
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
  };

  it("shows each kiosk's queue as it stands after the registry's last answer: 40 uploaded, 0 queued", async () => {
    const one = await kiosk('hospital-a', 'quầy 1'); // one batch of 40
    const two = await kiosk('hospital-a', 'quầy 2', 10); // four batches, two in flight at a time
    const part = await kiosk('hospital-a', 'quầy 3', 10); // one batch of 10 out of 40
    for (const k of [one, two, part]) for (let i = 0; i < 40; i++) k.store.record({ ...SAMPLE, site: 'hospital-a' });
    expect(await one.engine.drain()).toMatchObject({ sent: 40, accepted: 40 });
    expect(await two.engine.drain()).toMatchObject({ sent: 40, accepted: 40 });
    expect(await part.engine.uploadOnce()).toMatchObject({ sent: 10, accepted: 10 });
    const text = await html('?lang=en');
    // Site, kiosk, last seen, queue, lag, datasets, chain, check-ins, state.
    expect(rowOf(text, one.creds.kioskId).slice(3, 4)).toEqual(['0']);
    expect(rowOf(text, two.creds.kioskId).slice(3, 4)).toEqual(['0']);
    expect(rowOf(text, part.creds.kioskId).slice(3, 4)).toEqual(['30']);
    expect(rowOf(text, one.creds.kioskId)[6]).toBe('whole to 40');
  });

  it('writes the per-minute time series, draws it, and prunes it after the retention window', async () => {
    await server.fleet.flush();
    const [row] = await db.query<{ checkins: number; kiosks_seen: number; max_lag_ms: string }>(
      "SELECT sum(checkins)::int AS checkins, max(kiosks_seen) AS kiosks_seen, max(max_lag_ms) AS max_lag_ms FROM fleet_samples WHERE site = 'hospital-a'",
    );
    expect(row).toMatchObject({ checkins: 90, kiosks_seen: 3 });
    expect(Number(row!.max_lag_ms)).toBeGreaterThanOrEqual(0);
    const text = await html('?lang=en&site=hospital-a&range=1h');
    expect(text).toMatch(/<svg[^>]*role="img" aria-label="Check-ins stored \(per 1 min\), 1 hour: peak 90"/);
    expect(text).toMatch(/<svg[^>]*aria-label="Kiosks in contact, 1 hour: peak 3"/);
    expect(text).toMatch(/<svg[^>]*aria-label="Largest queue, 1 hour: peak 30"/);
    // Flushing again adds nothing that was not counted.
    await server.fleet.flush();
    const [same] = await db.query<{ n: number }>("SELECT sum(checkins)::int AS n FROM fleet_samples WHERE site = 'hospital-a'");
    expect(same!.n).toBe(90);
    await db.query("INSERT INTO fleet_samples (site, minute, checkins) VALUES ('hospital-a', now() - interval '8 days', 5)");
    expect(await server.fleet.prune()).toBe(1);
    const [left] = await db.query<{ n: number }>("SELECT sum(checkins)::int AS n FROM fleet_samples WHERE site = 'hospital-a'");
    expect(left!.n).toBe(90);
  });

  it('filters by site, with the query and with a select on the page, and refuses a query it does not know', async () => {
    const other = await kiosk('airport-t1', 'cổng 1');
    const a = await html('?site=airport-t1');
    expect(a).toContain(other.creds.kioskId);
    expect(a).not.toContain('quầy 1');
    expect(a).toMatch(/<select name="site">.*<option value="airport-t1" selected>airport-t1<\/option>/);
    expect(a).toContain('<option value="hospital-a">hospital-a</option>');
    const all = await html();
    expect(all).toContain(other.creds.kioskId);
    expect(all).toContain('quầy 1');
    for (const bad of ['?site=%3Cscript%3E', '?range=1y', '?lang=fr', '?refresh=1', '?extra=1']) expect((await page(bad)).status).toBe(400);
    // It reloads itself only when asked (a wall screen); the links keep the choice.
    expect(all).not.toContain('http-equiv="refresh"');
    const wall = await html('?site=airport-t1&refresh=30');
    expect(wall).toContain('<meta http-equiv="refresh" content="30">');
    expect(wall).toContain('href="/fleet?lang=en&#38;site=airport-t1&#38;range=6h&#38;refresh=30"');
  });

  it('shows alerts with what to do, in Vietnamese by default and in English, stored ones and those worked out now', async () => {
    const k = await kiosk('hospital-b', 'quầy B1');
    for (let i = 0; i < 3; i++) k.store.record({ ...SAMPLE, site: 'hospital-b' });
    expect(await k.client.reportAlert({ kind: 'chain-break', seq: 2, problem: 'altered' })).toEqual({ recorded: true });
    const silent = await kiosk('hospital-b', 'quầy B2');
    await silent.client.request('GET', '/v1/ping', undefined, z.unknown());
    await server.fleet.flush();
    await db.query("UPDATE kiosks SET last_seen = now() - interval '25 minutes' WHERE id = $1", [silent.creds.kioskId]);
    const vi = await html('?site=hospital-b');
    expect(vi).toMatch(/^<!doctype html><html lang="vi">/);
    expect(vi).toContain(esc(ALERT_ADVICE['chain-break'].vi.todo));
    expect(vi).toContain(esc(ALERT_ADVICE['kiosk-silent'].vi.todo));
    expect(vi).toMatch(/Liên lạc lần cuối 2[56] phút trước/);
    const en = await html('?site=hospital-b&lang=en');
    expect(en).toContain(esc(ALERT_ADVICE['chain-break'].en.title));
    expect(en).toContain(esc(ALERT_ADVICE['chain-break'].en.todo));
    expect(en).toContain(esc(ALERT_ADVICE['kiosk-silent'].en.todo));
    expect(en).toContain('reported by the kiosk: check-in 2: altered');
    expect(rowOf(en, k.creds.kioskId)[6]).toBe('1 chain alert');
  });

  it('shows the dataset versions each kiosk holds, from its signed polls, and alerts when one is stale', async () => {
    const k = await kiosk('hospital-c', 'quầy C1');
    await publishDataset(db, 'trust', null, [csca('fleet')]);
    await publishDataset(db, 'site-config', 'hospital-c', [hospitalConfig('Bệnh viện C')]);
    await k.engine.downloadOnce();
    await k.engine.downloadOnce(); // it now asks from the versions it applied
    await server.fleet.flush();
    const have = k.store.datasetVersions();
    const cells = rowOf(await html('?lang=en&site=hospital-c'), k.creds.kioskId);
    expect(cells[5]).toBe(`trust: ${have['trust']} site-config: ${have['site-config']} roster: 0`);
    await publishDataset(db, 'site-config', 'hospital-c', [hospitalConfig('Bệnh viện C, mới')]);
    await db.query(
      "UPDATE dataset_versions SET published_at = now() - interval '30 minutes' WHERE dataset = 'site-config' AND site = 'hospital-c'",
    );
    const stale = await html('?lang=en&site=hospital-c');
    expect(rowOf(stale, k.creds.kioskId)[5]).toContain(`site-config: ${have['site-config']} (behind, ${have['site-config']! + 1} is out)`);
    expect(stale).toContain(esc(ALERT_ADVICE['dataset-stale'].en.todo));
  });

  it('still shows nothing without an operator: the login form, in the language asked for, kept in a cookie', async () => {
    const res = await page('?site=hospital-a', {});
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).toMatch(/<html lang="vi">/);
    expect(text).toContain('<form method="post" action="/fleet/login">');
    expect(text).not.toContain('hospital-a');
    const en = await page('?lang=en', {});
    expect(en.status).toBe(401);
    expect(en.headers.get('set-cookie')).toMatch(new RegExp(`^${LANG_COOKIE}=en; Path=/fleet; SameSite=Strict`));
    expect(await en.text()).toContain('Operator token');
    const byCookie = await page('', { cookie: `${LANG_COOKIE}=en` });
    expect(await byCookie.text()).toContain('Operator token');
    expect(await (await page('', { authorization: 'Bearer kop_0000000000000000_' + 'x'.repeat(43) })).text()).toContain('Mã vận hành');
  });

  it('renders an empty registry, and many kiosks', async () => {
    const name = `empty_${randomBytes(4).toString('hex')}`;
    if (cluster) await db.query(`CREATE DATABASE ${name}`);
    const empty = await openRegistryDb(
      cluster ? { kind: 'postgres', url: cluster.url.replace(/\/registry$/, `/${name}`) } : { kind: 'pglite', dir: null },
    );
    try {
      const vi = renderFleetPage(await fleetView(empty), 'vi');
      expect(vi).toContain('Chưa có kiosk nào đăng ký.');
      expect(vi).toContain('Không có cảnh báo.');
      expect(vi).toContain('Chưa có số liệu trong khoảng này.');
      expect(vi).not.toContain('<svg');
      await empty.query(
        `INSERT INTO kiosks (id, site, name, public_key, last_seen, queue_length, ticket_prefix)
         SELECT gen_random_uuid(), 'site-' || (i % 20), 'kiosk ' || i, '\\x00', now(), i % 7, 'K' || i FROM generate_series(1, 500) i`,
      );
      const many = renderFleetPage(await fleetView(empty, { site: 'site-3' }), 'en');
      expect(many.match(/<th scope="row">kiosk /g)).toHaveLength(25);
      expect(renderFleetPage(await fleetView(empty), 'en').match(/<th scope="row">kiosk /g)).toHaveLength(500);
    } finally {
      await empty.close();
    }
  });
});
