// The fleet page in Debian's Chromium: an operator logs in through the form, reads the page in
// Vietnamese, switches to English (kept by a cookie), filters by site; axe-core finds no serious
// or critical violation in either language; the page runs with its strict CSP (no script, the
// one style sheet by hash: a blocked style would show in the console). Screenshots go to
// artifacts/ui/fleet-*.png. axe runs through the DevTools protocol, which the CSP does not govern.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KioskStore, type CheckInInput } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol, RegistryClient } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import type { Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { openRegistryDb } from '../../registry/open.js';
import { issueOperatorToken } from '../../registry/operator.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { launchChromium, repoRoot } from '../../renderer/test/browser.js';

const SCREENSHOTS = join(repoRoot, 'artifacts', 'ui');
const axeSource = readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

const SAMPLE: CheckInInput = {
  site: 'bv-bach-mai',
  workflow: 'hospital-checkin',
  decision: 'admitted',
  reasons: [],
  matchScore: 0.7,
  verification: { chip: 'verified' },
  identity: { idNumber: '001099012345' },
};

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

async function seriousViolations(page: Page): Promise<string[]> {
  // Expressions as text: this room is compiled without the DOM's types.
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(axeSource);
  const violations = await page.evaluate<Violation[]>("axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)");
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('the fleet page in Chromium', () => {
  let db: Db;
  let server: RegistryServer;
  let dir: string;
  let token: string;
  let chrome: Awaited<ReturnType<typeof launchChromium>>;
  const stores: KioskStore[] = [];

  beforeAll(async () => {
    db = await openRegistryDb({ kind: 'pglite', dir: null });
    server = await startRegistryServer({ db, log: pino({ level: 'silent' }), personKey: randomBytes(32) });
    dir = mkdtempSync(join(tmpdir(), 'fleet-e2e-'));
    token = (await issueOperatorToken(db, 'e2e')).token;
    // Two sites, three kiosks: one drained, one with a queue left, one that reported a broken chain.
    for (const [site, name, records, upload] of [
      ['bv-bach-mai', 'Quầy tiếp đón 1', 40, 40],
      ['bv-bach-mai', 'Quầy tiếp đón 2', 25, 10],
      ['san-bay-noi-bai', 'Cổng 12', 5, 5],
    ] as const) {
      const creds = await enrol(server.url, (await issueEnrolCode(db, site)).code, name);
      const store = new KioskStore(join(dir, `k${stores.length}.db`));
      stores.push(store);
      saveCredentials(store, creds);
      for (let i = 0; i < records; i++) store.record({ ...SAMPLE, site });
      const client = new RegistryClient(creds);
      const engine = new SyncEngine(store, client, { batchRecords: upload });
      await engine.uploadOnce();
      if (site === 'san-bay-noi-bai') await client.reportAlert({ kind: 'chain-break', seq: 3, problem: 'altered' });
    }
    await server.fleet.flush();
    // A synthetic earlier morning, so that the screenshots show the charts' shape: samples
    // every minute of the last 6 hours but for a 15-minute registry outage (no samples then).
    await db.query(
      `INSERT INTO fleet_samples (site, minute, checkins, kiosks_seen, max_queue, max_lag_ms)
       SELECT s.site, date_trunc('minute', now()) - make_interval(mins => m), (12 + 10 * sin(m / 45.0))::int * s.k,
              s.k, CASE WHEN m BETWEEN 100 AND 110 THEN (110 - m) * 6 ELSE m % 3 END, CASE WHEN m BETWEEN 100 AND 110 THEN (110 - m) * 60000 + 900 ELSE 400 + m % 7 * 100 END
       FROM generate_series(2, 360) m CROSS JOIN (VALUES ('bv-bach-mai', 2), ('san-bay-noi-bai', 1)) AS s(site, k)
       WHERE m NOT BETWEEN 111 AND 125
       ON CONFLICT DO NOTHING`,
    );
    chrome = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await chrome?.close();
    for (const s of stores) s.close();
    await server?.close();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('logs in through the form, reads in Vietnamese then English, filters by site, with no serious axe violation', async () => {
    const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text()); // a style or anything else the CSP blocked
    });
    try {
      await page.goto(`${server.url}/fleet`);
      expect(await page.locator('html').getAttribute('lang')).toBe('vi');
      // The login form comes with 401 (Chromium logs that status), and nothing else.
      expect(problems.splice(0)).toEqual(['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'fleet-login.png') });
      await page.getByLabel('Mã vận hành').fill(token);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.getByRole('heading', { level: 1, name: 'Đội kiosk' }).waitFor();
      // The style sheet applied (allowed by its hash): the tables have no spacing without it.
      expect(await page.evaluate<string>('getComputedStyle(document.body).marginTop')).toBe('24px');
      await page.getByRole('heading', { name: 'Cảnh báo và việc cần làm' }).waitFor();
      expect(await page.getByRole('cell', { name: 'Quầy tiếp đón 2' }).count()).toBe(0); // a row header, not a cell
      const row = page.getByRole('row', { name: /Quầy tiếp đón 2/ });
      expect(await row.getByRole('cell').nth(2).textContent()).toBe('15'); // 25 recorded, 10 stored
      expect(
        await page
          .getByRole('row', { name: /Quầy tiếp đón 1/ })
          .getByRole('cell')
          .nth(2)
          .textContent(),
      ).toBe('0');
      expect(await page.getByRole('img', { name: /Check-in được lưu/ }).count()).toBe(1);
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'fleet-vi.png'), fullPage: true });

      await page.getByRole('link', { name: 'English' }).click();
      await page.getByRole('heading', { level: 1, name: 'Kiosk fleet' }).waitFor();
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'fleet-en.png'), fullPage: true });

      // The select filters; the language stays English (the cookie, and the form's own field).
      await page.getByLabel('Site').selectOption('san-bay-noi-bai');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByRole('heading', { level: 1, name: 'Kiosk fleet · san-bay-noi-bai' }).waitFor();
      expect(await page.getByRole('row', { name: /Quầy tiếp đón/ }).count()).toBe(0);
      await page.getByText('Chain broken').first().waitFor();
      await page.goto(`${server.url}/fleet?site=san-bay-noi-bai`);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'fleet-site-en.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
