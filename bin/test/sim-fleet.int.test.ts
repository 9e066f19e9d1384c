// `kiosk sim fleet`: a short fleet against the embedded registry with one outage (every
// check-in there exactly once, the report written), the multi-use enrolment code (two kiosks
// racing for its last use: one wins), and bad options refused in words.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../main/core/logger.js';
import { enrol } from '../../main/sync/registry-client.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { parseCommandArgs } from '../command.js';
import { registryEnrolCode } from '../commands/registry.js';
import { simFleet } from '../commands/sim-fleet.js';
import { startEmbeddedRegistry } from '../embedded-registry.js';
import { parseDuration, parseOutage } from '../fleet/options.js';

const kiosk = fileURLToPath(new URL('../kiosk', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sim-fleet-'));
const env = { ...process.env, KIOSK_DATA_DIR: dir, KIOSK_LOG_LEVEL: 'error' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kiosk sim fleet', () => {
  it('runs 5 kiosks through a 4 s outage: every recorded check-in is in the registry exactly once, and the report is written', async () => {
    const report = join(dir, 'fleet.html');
    const args = ['sim', 'fleet', '--kiosks', '5', '--rate', '2', '--duration', '12s', '--outage', '3s+4s', '--json', '--report', report];
    const child = spawn(kiosk, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
    expect(status, stderr).toBe(0);
    const r = JSON.parse(stdout) as {
      checkins: number;
      queueLeft: number;
      errors: Record<string, number>;
      decisionMs: { p50: number | null };
      syncLagMs: { p99: number | null };
      exactlyOnce: { checked: boolean; records: number; present: number; missing: string[]; duplicated: unknown[]; ok: boolean };
      report: string;
    };
    // How many a machine manages in 12 s is its speed; that some were made, each stored once, is the test.
    expect(r.checkins).toBeGreaterThan(0);
    expect(r.exactlyOnce).toMatchObject({ checked: true, records: r.checkins, present: r.checkins, missing: [], duplicated: [], ok: true });
    expect(r.queueLeft).toBe(0);
    expect(r.decisionMs.p50).not.toBeNull();
    // The outage was felt: some check-ins waited for the registry to come back.
    expect(r.syncLagMs.p99!).toBeGreaterThan(1000);
    expect(stderr).toMatch(/check-in \d+ \(\d+\/s\)\s+chờ · queued \d+/);
    expect(r.report).toBe(report);

    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script src|<link [^>]*href="http|@import/);
    expect(html.match(/<svg /g)).toHaveLength(3);
    // The outage is a band on each chart.
    expect(html.match(/class="outage"/g)).toHaveLength(3);
    expect(html).toContain('Tải đội kiosk · Fleet load');
    const embedded = /<script type="application\/json" id="fleet-result">(.*?)<\/script>/s.exec(html);
    expect(JSON.parse(embedded![1]!)).toMatchObject({ checkins: r.checkins, exactlyOnce: { ok: true } });
  }, 100_000);

  it('refuses bad options in words', async () => {
    const refused = async (...argv: string[]) => {
      const ctx = parseCommandArgs(simFleet, argv);
      return simFleet.run(ctx).then(
        () => 'ran',
        (err: Error) => err.message,
      );
    };
    expect(await refused('--rate', '5', '--duration', '1m')).toMatch(/--kiosks N is required/);
    expect(await refused('--kiosks', '0', '--rate', '5', '--duration', '1m')).toMatch(/--kiosks must be a whole number from 1 to 200/);
    expect(await refused('--kiosks', '5', '--rate', 'fast', '--duration', '1m')).toMatch(/--rate must be a number/);
    expect(await refused('--kiosks', '5', '--rate', '5')).toMatch(/--duration is required/);
    expect(await refused('--kiosks', '5', '--rate', '5', '--duration', '2 minutes')).toMatch(/is not a duration/);
    expect(await refused('--kiosks', '5', '--rate', '5', '--duration', '1m', '--outage', '90s+10s')).toMatch(/starts after the run's 60 s/);
    expect(await refused('--kiosks', '5', '--rate', '5', '--duration', '1m', '--outage', '10s')).toMatch(/write AT\+FOR/);
    expect(await refused('--kiosks', '5', '--rate', '5', '--duration', '1m', '--outage', '10s+20s', '--outage', '20s+5s')).toMatch(
      /overlap/,
    );
    expect(await refused('--kiosks', '5', '--rate', '5', '--duration', '1m', '--site', 'mall')).toMatch(/hospital or airport/);
    expect(await refused('--kiosks', '5', '--rate', '5', '--duration', '1m', '--registry', 'http://127.0.0.1:1')).toMatch(
      /--registry needs --code/,
    );
    expect(parseDuration('1m30s')).toEqual({ ok: true, value: 90_000 });
    expect(parseDuration('500ms')).toEqual({ ok: true, value: 500 });
    expect(parseOutage('40s+20s', 120_000)).toEqual({ ok: true, value: { atMs: 40_000, forMs: 20_000 } });
  });
});

describe('an enrolment code for N kiosks', () => {
  it('enrols up to N kiosks, each use taken atomically: two racing for the last use, exactly one wins', async () => {
    const reg = await startEmbeddedRegistry(null, createLogger('test', 'silent'));
    try {
      const { code, uses } = await issueEnrolCode(reg.db, 'fleet-site', 1, 3);
      expect(uses).toBe(3);
      const first = await enrol(reg.server.url, code, 'k1');
      const second = await enrol(reg.server.url, code, 'k2');
      expect([first.site, second.site, first.kioskId === second.kioskId]).toEqual(['fleet-site', 'fleet-site', false]);
      const race = await Promise.allSettled([enrol(reg.server.url, code, 'k3'), enrol(reg.server.url, code, 'k4')]);
      expect(race.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(race.find((r) => r.status === 'rejected')).toMatchObject({ reason: { kind: 'refused', code: 'used-code' } });
      await expect(enrol(reg.server.url, code, 'k5')).rejects.toMatchObject({ code: 'used-code' });
      const [row] = await reg.db.query<{ uses: number; used: number; n: number }>(
        "SELECT uses, used, (SELECT count(*)::int FROM kiosks WHERE site = 'fleet-site') AS n FROM enrol_codes",
      );
      expect(row).toEqual({ uses: 3, used: 3, n: 3 });
      await expect(issueEnrolCode(reg.db, 'fleet-site', 1, 0)).rejects.toThrow(/uses 0: a whole number from 1 to 10000/);
    } finally {
      await reg.close();
    }
  });

  it('kiosk registry enrol-code --uses N issues one, and refuses a bad N', async () => {
    const data = join(dir, 'reg');
    const ok = spawnSync(kiosk, ['registry', 'enrol-code', '--site', 'fleet-x', '--uses', '50', '--data', data, '--json'], {
      encoding: 'utf8',
      env,
      timeout: 60_000,
    });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({
      site: 'fleet-x',
      uses: 50,
      code: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/),
    });
    const bad = parseCommandArgs(registryEnrolCode, ['--site', 'fleet-x', '--uses', '0', '--data', data]);
    await expect(registryEnrolCode.run(bad)).rejects.toThrow(/--uses must be a whole number from 1 to 10000/);
  }, 60_000);
});
