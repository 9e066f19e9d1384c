// The registry and sync commands as separate processes, on an embedded registry in a
// temporary folder, and `kiosk demo` end to end.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { loadCredentials } from '../../main/sync/credentials.js';
import { RegistryClient } from '../../main/sync/registry-client.js';
import { hospitalConfig, patient } from './fixtures/dataset-items.js';

const kiosk = fileURLToPath(new URL('../kiosk', import.meta.url));
const examples = fileURLToPath(new URL('../../docs/datasets/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'registry-cli-'));
const env = { ...process.env, KIOSK_DATA_DIR: dir, KIOSK_LOG_LEVEL: 'warn' };
const run = (...args: string[]) => spawnSync(kiosk, args, { encoding: 'utf8', env, timeout: 60_000 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kiosk registry / sync / demo commands', () => {
  it('issues a code, publishes a dataset, enrols a kiosk that syncs, and counts it all', async () => {
    const data = join(dir, 'reg');
    const code = run('registry', 'enrol-code', '--site', 'hospital-x', '--data', data, '--json');
    expect(code.status, code.stderr).toBe(0);
    const { code: enrolCode } = JSON.parse(code.stdout) as { code: string };
    writeFileSync(join(dir, 'roster.json'), JSON.stringify({ items: [patient(1)] }));
    const pub = run('registry', 'publish', 'roster', join(dir, 'roster.json'), '--site', 'hospital-x', '--data', data, '--json');
    expect(JSON.parse(pub.stdout)).toMatchObject({ dataset: 'roster', site: 'hospital-x', version: 1, changed: 1 });
    const noSite = run('registry', 'publish', 'roster', join(dir, 'roster.json'), '--data', data);
    expect([noSite.status, noSite.stderr]).toEqual([
      1,
      expect.stringMatching(/roster is published per site: name the site \(--site SITE\)/),
    ]);
    const trustSite = run('registry', 'publish', 'trust', join(dir, 'roster.json'), '--site', 'hospital-x', '--data', data);
    expect([trustSite.status, trustSite.stderr]).toEqual([
      1,
      expect.stringMatching(/trust is the same for every site: publish it without a site \(drop --site\)/),
    ]);
    expect(run('registry', 'publish', 'flights', join(dir, 'roster.json'), '--data', data).stderr).toMatch(/unknown dataset "flights"/);

    const server = spawn(kiosk, ['registry', '--data', data, '--port', '0', '--json'], { env });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout.on('data', (d) => {
          out += d;
          try {
            resolve((JSON.parse(out) as { url: string }).url);
          } catch {
            /* not whole yet */
          }
        });
        server.once('exit', (c) => reject(new Error(`registry exited ${c}`)));
      });
      // Personal data at rest: the folder, its lock and the person-digest key are the owner's alone.
      expect(statSync(data).mode & 0o777).toBe(0o700);
      expect(statSync(`${data}.lock`).mode & 0o777).toBe(0o600);
      expect(statSync(`${data}.person-key`).mode & 0o777).toBe(0o600);
      // The folder is in use: admin commands on it are refused with words, not corrupted.
      expect(run('registry', 'stats', '--data', data).stderr).toMatch(/in use by process \d+/);
      const db = join(dir, 'kiosk.db');
      const enrolled = run('sync', 'enrol', '--registry', url, '--code', enrolCode, '--db', db);
      expect(enrolled.status, enrolled.stderr).toBe(0);
      expect(run('sync', 'enrol', '--registry', url, '--code', enrolCode, '--db', join(dir, 'other.db')).stderr).toMatch(/already used/);
      const status = run('sync', 'status', '--db', db, '--json');
      expect(JSON.parse(status.stdout)).toMatchObject({ enrolled: true, site: 'hospital-x', online: true, queued: 0, lastError: null });
      expect(status.status).toBe(0);
      // The kiosk reports a broken chain of its own: `registry stats` counts it below.
      const store = new KioskStore(db);
      const report = await new RegistryClient(loadCredentials(store)!).reportAlert({ kind: 'chain-break', seq: 7, problem: 'altered' });
      store.close();
      expect(report).toEqual({ recorded: true });
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    const stats = run('registry', 'stats', '--data', data, '--json');
    expect(JSON.parse(stats.stdout)).toEqual({
      checkins: 0,
      distinctIds: 0,
      distinctPeople: 0,
      purgedIdentities: 0,
      kiosks: 1,
      duplicatesAcknowledged: 0,
      chainBreaks: 1,
      alerts: 1,
      boardedTwice: 0,
      boarded: [],
    });
    expect(run('registry', 'stats', '--data', data).stdout).toMatch(
      /; 1 chain breaks or gaps \(found by the registry or reported by kiosks\); 1 alerts; 0 passes used twice/,
    );
    // Retention: the default, a site's own, and a purge on demand.
    expect(JSON.parse(run('registry', 'retention', '--data', data, '--json').stdout)).toEqual({ defaultDays: 90, sites: {} });
    const set = run('registry', 'retention', '--site', 'hospital-x', '--days', '30', '--data', data, '--json');
    expect(JSON.parse(set.stdout)).toEqual({ defaultDays: 90, sites: { 'hospital-x': 30 } });
    expect(run('registry', 'retention', '--days', '0', '--data', data).stderr).toMatch(/--days/);
    const purge = run('registry', 'purge', '--data', data, '--json');
    expect([purge.status, JSON.parse(purge.stdout)]).toEqual([0, { purged: {} }]);
    const offline = run('sync', 'status', '--db', join(dir, 'kiosk.db'), '--json');
    expect(offline.status).toBe(2);
    expect(JSON.parse(offline.stdout)).toMatchObject({ online: false, lastError: expect.stringMatching(/cannot reach the registry/) });
  }, 180_000); // about 30 s on an idle machine; bounds a hang

  it('refuses a bad publication whole, with the key and the field, and publishes the examples as the docs show', () => {
    const data = join(dir, 'reg-datasets');
    writeFileSync(join(dir, 'first.json'), JSON.stringify({ items: [patient(1)] }));
    expect(run('registry', 'publish', 'roster', join(dir, 'first.json'), '--site', 'hospital-x', '--data', data).status).toBe(0);
    // One bad item refuses the whole file, with its key and field; the line does not move.
    const bad = { ...patient(2), value: { ...patient(2).value, insurance: { ...patient(2).value.insurance!, validUntil: '31/12/2027' } } };
    writeFileSync(join(dir, 'bad-roster.json'), JSON.stringify({ items: [patient(1), bad] }));
    const refused = run('registry', 'publish', 'roster', join(dir, 'bad-roster.json'), '--site', 'hospital-x', '--data', data);
    expect([refused.status, refused.stdout, refused.stderr]).toEqual([
      1,
      '',
      expect.stringMatching(/refused, nothing published: roster item "patient\/001099000002": insurance\.validUntil: .*YYYY-MM-DD/),
    ]);
    writeFileSync(
      join(dir, 'two-configs.json'),
      JSON.stringify({ items: [hospitalConfig('X'), { ...hospitalConfig('Y'), key: 'site-2' }] }),
    );
    expect(run('registry', 'publish', 'site-config', join(dir, 'two-configs.json'), '--site', 'hospital-x', '--data', data).stderr).toMatch(
      /site-config is exactly one item, key "site" \(this file has 2\)/,
    );
    writeFileSync(join(dir, 'roster.json'), JSON.stringify({ items: [patient(1), patient(2)] }));
    const next = run('registry', 'publish', 'roster', join(dir, 'roster.json'), '--site', 'hospital-x', '--data', data);
    expect([next.status, next.stdout]).toEqual([0, 'roster of site hospital-x version 2: 1 changed, 0 removed\n']);
    // The examples, published as docs/STORE-SYNC-REGISTRY.md shows.
    for (const [dataset, file, site] of [
      ['trust', 'trust.example.json'],
      ['site-config', 'site-config.hospital.example.json', 'hospital-a'],
      ['roster', 'roster.hospital.example.json', 'hospital-a'],
      ['site-config', 'site-config.airport.example.json', 'han-t1-gate12'],
      ['roster', 'roster.airport.example.json', 'han-t1-gate12'],
    ] as const) {
      const r = run('registry', 'publish', dataset, join(examples, file), ...(site ? ['--site', site] : []), '--data', data, '--json');
      expect([r.status, r.stderr.replace(/^registry: embedded.*\n/, '')]).toEqual([0, '']);
      expect(JSON.parse(r.stdout)).toMatchObject({ dataset, version: 1, removed: 0 });
    }
  }, 240_000); // about 3 s a command on an idle machine

  it('runs a scripted demo through chip, decision, store and sync', () => {
    const r = run('demo', '--site', 'hospital', '--count', '3', '--json');
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ count: 3, admitted: 3, synced: 3, queued: 0, registry: { checkins: 3, chainBreaks: 0 } });
  }, 60_000);
});
