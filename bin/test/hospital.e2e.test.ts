// The hospital visit end to end, as a patient walks it: `kiosk start --simulator` in its own
// process with its own pcscd, enrolled with a registry this test runs (so its rows can be
// read, and it can be down all morning), the virtual chip of each patient behind pcscd, the
// virtual scanner, a virtual ticket printer on loopback raw TCP, and Debian's Chromium whose
// camera is Chromium's fake capture device playing the patient's own face (or someone else's).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from '../embedded-registry.js';
import { silentLogger } from '../../main/core/logger.js';
import { siteDay } from '../../main/core/workflow/decision.js';
import type { PatientEntry } from '../../main/protocol/datasets.js';
import { publishDataset } from '../../registry/datasets.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { subjectFrames, toY4m, type CameraSubject } from '../../simulator/camera-clip.js';
import { createVirtualCard, type Fault } from '../../simulator/card.js';
import { makeCitizens } from '../../simulator/citizens.js';
import { freePortPair } from '../../simulator/pcscd.js';
import { createTestPki, trustFiles, type TestPki } from '../../simulator/pki.js';
import { VirtualPrinter } from '../../simulator/printer.js';
import { hidPosReports, SYMBOLOGY, VirtualScanner } from '../../simulator/scanner.js';
import { simRoster, simSiteConfig } from '../../simulator/site-data.js';
import { VpcdCard } from '../../simulator/vpcd.js';
import { ARTIFACTS, launchChromium, repoRoot } from '../../renderer/test/browser.js';

// For the callbacks that run in the page: this file is compiled for Node, without the DOM library.
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const SEED = 'cccd';
const SITE = 'e2e-hospital';
const log = silentLogger();
let dir: string;
let reg: EmbeddedRegistry;
let server: RegistryServer | null;
let registryPort: number;
let pki: TestPki;
let printer: VirtualPrinter;
let kiosk: { child: ChildProcess; url: string; scannerPort: number; vpcdPort: number };
let scanner: VirtualScanner;
const today = siteDay(new Date());
const roster = new Map(simRoster('hospital', SEED, today).map((i) => [i.key.slice('patient/'.length), i.value as PatientEntry]));
const citizens = makeCitizens(SEED, 60);

/** The first citizen (from `from`) whose roster entry fits, so each test has its own patient. */
function patientWhere(fits: (e: PatientEntry | undefined) => boolean, from = 0): number {
  const c = citizens.slice(from).find((x) => fits(roster.get(x.idNumber)));
  if (!c) throw new Error('no simulated patient fits');
  return c.index;
}
const covered = (e: PatientEntry | undefined) => !!e?.insurance && e.insurance.validUntil >= today;
const booked = (e: PatientEntry | undefined) => !!e?.appointments.some((a) => a.date === today);
const used = new Set<number>();
/** A patient not used by another test yet. */
function fresh(fits: (e: PatientEntry | undefined) => boolean): number {
  for (let from = 0; ;) {
    const i = patientWhere(fits, from);
    if (!used.has(i)) {
      used.add(i);
      return i;
    }
    from = i + 1;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hospital-e2e-'));
  reg = await startEmbeddedRegistry(null, log);
  server = reg.server;
  registryPort = Number(new URL(reg.server.url).port);
  const { KioskStore } = await import('../../main/store/kiosk-store.js');
  const store = new KioskStore(join(dir, 'kiosk.db'));
  const creds = await enrolWithEmbedded(store, reg, SITE, 'e2e hospital kiosk');
  store.close();
  await publishDataset(reg.db, 'site-config', creds.site, [{ key: 'site', value: simSiteConfig('hospital', { faceMs: 8000 }) }]);
  await publishDataset(reg.db, 'roster', creds.site, simRoster('hospital', SEED, today));
  pki = await createTestPki();
  mkdirSync(join(dir, 'trust'));
  for (const f of trustFiles(pki)) writeFileSync(join(dir, 'trust', f.name), f.bytes);
  printer = new VirtualPrinter({ port: 0 });
  printer.on('error', () => undefined);
  await printer.start();
  kiosk = await startKiosk();
  scanner = await VirtualScanner.connect(kiosk.scannerPort);
}, 120_000);

afterAll(async () => {
  await scanner?.close().catch(() => undefined);
  if (kiosk?.child.exitCode === null) {
    const gone = new Promise((r) => kiosk.child.once('exit', r));
    kiosk.child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
    if (kiosk.child.exitCode === null) kiosk.child.kill('SIGKILL');
  }
  await printer?.stop();
  await server?.close();
  await reg?.db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startKiosk(): Promise<typeof kiosk> {
  const vpcdPort = await freePortPair();
  const child = spawn(
    join(repoRoot, 'bin/kiosk'),
    [
      'start',
      '--simulator',
      '--no-registry',
      '--db',
      join(dir, 'kiosk.db'),
      '--trust',
      join(dir, 'trust'),
      '--vpcd-port',
      String(vpcdPort),
      '--scanner-port',
      '0',
      '--camera',
      'ui',
      '--printer',
      `tcp://127.0.0.1:${printer.port}`,
      '--no-open',
      '--json',
    ],
    { env: { ...process.env, KIOSK_DATA_DIR: dir, KIOSK_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`kiosk start gave no address: ${err}`)), 60_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const j = JSON.parse(out) as { url: string; scannerPort: number; vpcdPort: number };
        clearTimeout(t);
        resolve({ child, url: j.url, scannerPort: j.scannerPort, vpcdPort: j.vpcdPort });
      } catch {
        // not whole yet
      }
    });
    child.once('exit', (code) => reject(new Error(`kiosk start exited ${code}: ${err}`)));
  });
}

interface Visit {
  page: Page;
  close(): Promise<void>;
}

/** Chromium on the kiosk page, its camera playing `subject` for citizen `index`. */
async function atKiosk(index: number, subject: CameraSubject = 'holder'): Promise<Visit> {
  const frames = await subjectFrames(subject, { seed: SEED, citizen: index, count: 16 });
  if (!frames) throw new Error('the face photos are missing: node models/fetch-test-photos.mjs');
  const clip = join(dir, `clip-${index}-${subject}.y4m`);
  writeFileSync(clip, toY4m(frames));
  const chrome = await launchChromium({ camera: clip });
  const page = await chrome.browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(kiosk.url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  await page.click('[data-testid="lang-en"]');
  await page.waitForFunction(
    () => /Connected/.test(document.querySelector('[data-testid="device-camera"]')?.textContent ?? ''),
    undefined,
    {
      timeout: 15_000,
    },
  );
  return { page, close: () => chrome.close() };
}

const screen = (page: Page, name: string, timeout = 30_000) => page.waitForSelector(`[data-screen="${name}"]`, { timeout });

async function scanQr(index: number): Promise<void> {
  await scanner.send(hidPosReports(new TextEncoder().encode(citizens[index]!.qr), SYMBOLOGY.qr));
}

async function insert(index: number, faults: Fault[] = []): Promise<VpcdCard> {
  const card = await createVirtualCard({ pki, seed: SEED, index, faults });
  return VpcdCard.insert({ port: kiosk.vpcdPort, card, delays: false });
}

/** The registry's rows for this site, newest last. */
async function rows(): Promise<
  { decision: string; reasons: string[]; verification: Record<string, string>; identity: Record<string, string> | null }[]
> {
  return reg.db.query('SELECT decision, reasons, verification, identity FROM checkins ORDER BY seq');
}

async function waitForRows(n: number, timeoutMs = 60_000): Promise<Awaited<ReturnType<typeof rows>>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await rows();
    if (r.length >= n) return r;
    if (Date.now() > deadline) throw new Error(`the registry has ${r.length} rows, not ${n}`);
    await new Promise((res) => setTimeout(res, 250));
  }
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(join(ARTIFACTS, 'hospital'), { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'hospital', `${name}.png`) });
}

/** From the insurance screen to the printed ticket; returns the ticket's number and text. */
async function toTicket(page: Page, o: { feePaying: boolean; clinic?: string }): Promise<{ number: string; text: string }> {
  await screen(page, 'insurance');
  await page.waitForSelector(o.feePaying ? '[data-testid="fee-paying"]' : '[data-testid="continue"]');
  const printed = printer.nextTicket(60_000);
  await page.click(o.feePaying ? '[data-testid="fee-paying"]' : '[data-testid="continue"]');
  if (o.clinic) {
    await screen(page, 'clinic');
    await page.click(`[data-testid="clinic-${o.clinic}"]`);
  }
  await screen(page, 'confirm');
  await page.click('[data-testid="confirm"]');
  const result = await page.waitForSelector('[data-screen="result"][data-ticket]', { timeout: 30_000 });
  const number = (await result.getAttribute('data-ticket'))!;
  expect(await page.textContent('[data-testid="ticket-number"]')).toContain(number);
  const ticket = await printed;
  expect(ticket.text).toContain(number);
  return { number, text: ticket.text };
}

describe('hospital check-in in the browser, through the real stack', () => {
  it('a booked, insured patient: insurance shown, the booking confirmed, a ticket printed, the row at the registry', async () => {
    const i = fresh((e) => covered(e) && booked(e));
    const appt = roster.get(citizens[i]!.idNumber)!.appointments.find((a) => a.date === today)!;
    const v = await atKiosk(i);
    try {
      await scanQr(i);
      await screen(v.page, 'waiting-card');
      const card = await insert(i);
      try {
        await screen(v.page, 'insurance');
        await v.page.waitForSelector('[data-testid="continue"]');
        await shot(v.page, 'booked-insurance');
        const t = await toTicket(v.page, { feePaying: false });
        expect(t.number).toMatch(/^[A-Z]{1,2}\d{3,4}$/);
        const clinic = simSiteConfig('hospital').kind === 'hospital' ? simSiteConfig('hospital') : null;
        const room = clinic && clinic.kind === 'hospital' ? clinic.clinics.find((c) => c.id === appt.clinic)!.room : '';
        expect(t.text).toContain(room);
        await shot(v.page, 'booked-ticket');
      } finally {
        card.remove();
      }
      const r = await waitForRows(1);
      expect(r.at(-1)).toMatchObject({
        decision: 'admitted',
        reasons: [],
        verification: { face: 'matched', insurance: 'covered', payment: 'insurance' },
      });
      expect(r.at(-1)!.identity).toMatchObject({
        ticket: expect.stringMatching(/^[A-Z]{1,2}\d{3}$/),
        appointment: `${today}T${appt.time} ${appt.clinic}`,
      });
    } finally {
      await v.close();
    }
  }, 180_000);

  it('an insured patient without a booking chooses a clinic', async () => {
    const i = fresh((e) => covered(e) && !booked(e));
    const before = (await rows()).length;
    const v = await atKiosk(i);
    try {
      await scanQr(i);
      await screen(v.page, 'waiting-card');
      const card = await insert(i);
      try {
        await screen(v.page, 'insurance');
        await v.page.waitForSelector('[data-testid="continue"]');
        await v.page.click('[data-testid="continue"]');
        await screen(v.page, 'clinic');
        await shot(v.page, 'clinic-choice');
        await v.page.click('[data-testid="back"]');
        await screen(v.page, 'insurance');
        const t = await toTicket(v.page, { feePaying: false, clinic: 'tmh' });
        expect(t.text).toContain('Tai Mũi Họng');
      } finally {
        card.remove();
      }
      const r = await waitForRows(before + 1);
      expect(r.at(-1)!.identity).toMatchObject({ appointment: `${today} tmh` });
    } finally {
      await v.close();
    }
  }, 180_000);

  it('a patient without insurance goes on as fee-paying after saying so', async () => {
    const i = fresh((e) => !e?.insurance);
    const before = (await rows()).length;
    const v = await atKiosk(i);
    try {
      await scanQr(i);
      await screen(v.page, 'waiting-card');
      const card = await insert(i);
      try {
        await screen(v.page, 'insurance');
        await v.page.waitForSelector('[data-testid="fee-paying"]');
        // No plain "continue" for someone not covered: only as fee-paying, or cancel.
        expect(await v.page.$('[data-testid="continue"]')).toBeNull();
        await shot(v.page, 'not-covered');
        const t = await toTicket(v.page, { feePaying: true, clinic: 'noi' });
        expect(t.text).toMatch(/Fee-paying/);
      } finally {
        card.remove();
      }
      const r = await waitForRows(before + 1);
      expect(r.at(-1)).toMatchObject({ decision: 'admitted', verification: { insurance: 'not-covered', payment: 'fee-paying' } });
    } finally {
      await v.close();
    }
  }, 180_000);

  it('a card placed with no QR code is opened with the six digits typed on the keypad', async () => {
    const i = fresh(covered);
    const before = (await rows()).length;
    const v = await atKiosk(i);
    try {
      const card = await insert(i);
      try {
        await screen(v.page, 'need-access');
        await shot(v.page, 'can-entry');
        for (const d of citizens[i]!.can) await v.page.click(`[data-testid="keypad-${d}"]`);
        await v.page.click('[data-testid="keypad-ok"]');
        await toTicket(v.page, { feePaying: false, ...(booked(roster.get(citizens[i]!.idNumber)) ? {} : { clinic: 'noi' }) });
      } finally {
        card.remove();
      }
      expect((await waitForRows(before + 1)).at(-1)).toMatchObject({ decision: 'admitted' });
    } finally {
      await v.close();
    }
  }, 180_000);

  it.each([
    ['a card that cannot be read', ['wrong-mac'] as Fault[], 'card-unreadable'],
    ['an expired card', ['expired'] as Fault[], 'card-expired'],
    ['a cloned chip', ['cloned'] as Fault[], 'chip-cloned'],
  ])(
    '%s: sent to the counter, nothing printed, the refusal at the registry',
    async (_label, faults, reason) => {
      const i = fresh(covered);
      const before = (await rows()).length;
      const printedBefore = printer.tickets.length;
      const v = await atKiosk(i);
      try {
        await scanQr(i);
        await screen(v.page, 'waiting-card');
        const card = await insert(i, faults);
        try {
          const result = await screen(v.page, 'result');
          expect(await result.getAttribute('data-outcome')).toBe('refused');
          expect(await result.getAttribute('data-reason')).toContain(reason);
          expect(await v.page.textContent('[data-screen="result"]')).toMatch(/counter/i);
          await shot(v.page, `refused-${reason}`);
        } finally {
          card.remove();
        }
        const r = await waitForRows(before + 1);
        expect(r.at(-1)).toMatchObject({ decision: 'refused' });
        expect(r.at(-1)!.reasons).toContain(reason);
        expect(printer.tickets.length).toBe(printedBefore);
      } finally {
        await v.close();
      }
    },
    180_000,
  );

  it('someone else in front of the camera: tried again, then sent to staff', async () => {
    const i = fresh(covered);
    const before = (await rows()).length;
    const v = await atKiosk(i, 'other');
    try {
      await scanQr(i);
      await screen(v.page, 'waiting-card');
      const card = await insert(i);
      try {
        const result = await screen(v.page, 'result', 60_000);
        expect(await result.getAttribute('data-outcome')).toBe('referred');
        expect(await result.getAttribute('data-face')).toBe('not-matched');
        expect(await v.page.textContent('[data-screen="result"]')).toMatch(/staff/i);
        await shot(v.page, 'face-mismatch');
      } finally {
        card.remove();
      }
      expect((await waitForRows(before + 1)).at(-1)).toMatchObject({ decision: 'referred', reasons: ['face-mismatch'] });
    } finally {
      await v.close();
    }
  }, 180_000);

  it('with the registry down all morning, patients get tickets and their rows arrive when it is back', async () => {
    const before = (await rows()).length;
    await server!.close();
    server = null;
    const numbers: string[] = [];
    for (const fits of [
      (e: PatientEntry | undefined) => covered(e) && booked(e),
      (e: PatientEntry | undefined) => covered(e) && !booked(e),
    ]) {
      const i = fresh(fits);
      const v = await atKiosk(i);
      try {
        await scanQr(i);
        await screen(v.page, 'waiting-card');
        const card = await insert(i);
        try {
          const t = await toTicket(v.page, { feePaying: false, ...(booked(roster.get(citizens[i]!.idNumber)) ? {} : { clinic: 'rhm' }) });
          numbers.push(t.number);
        } finally {
          card.remove();
        }
        await screen(v.page, 'idle', 30_000);
        await v.page.waitForSelector('[data-testid="offline"]', { timeout: 30_000 });
      } finally {
        await v.close();
      }
    }
    expect(new Set(numbers).size).toBe(2);
    expect((await rows()).length).toBe(before);
    server = await startRegistryServer({ db: reg.db, log, port: registryPort });
    const r = await waitForRows(before + 2, 90_000);
    expect(r.slice(-2).map((x) => x.identity?.['ticket'])).toEqual(numbers);
  }, 300_000);
});
