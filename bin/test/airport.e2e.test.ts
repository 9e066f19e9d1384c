// The boarding gate end to end, as a passenger walks it: `kiosk start --simulator --site
// airport` in its own process with its own pcscd, enrolled with a registry this test runs (its
// rows read, its boarding claims made by a second gate, and down for a while), the virtual
// chip behind pcscd, the virtual scanner carrying the boarding pass and the card's QR code, a
// virtual gate controller on Modbus TCP, and Debian's Chromium whose camera plays the
// passenger's face (or someone else's).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from '../embedded-registry.js';
import { silentLogger } from '../../main/core/logger.js';
import { siteDay } from '../../main/core/workflow/decision.js';
import type { FlightEntry, SiteConfig } from '../../main/protocol/datasets.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { claimBoarding, RegistryClient } from '../../main/sync/registry-client.js';
import { publishDataset } from '../../registry/datasets.js';
import { startRegistryServer, type RegistryServer } from '../../registry/server.js';
import { encodeBcbp, makeBoardingPass } from '../../simulator/boarding-pass.js';
import { subjectFrames, toY4m, type CameraSubject } from '../../simulator/camera-clip.js';
import { createVirtualCard, type Fault } from '../../simulator/card.js';
import { makeCitizens } from '../../simulator/citizens.js';
import { VirtualGate } from '../../simulator/gate.js';
import { freePortPair } from '../../simulator/pcscd.js';
import { createTestPki, trustFiles, type TestPki } from '../../simulator/pki.js';
import { hidPosReports, SYMBOLOGY, VirtualScanner } from '../../simulator/scanner.js';
import { simFlights, simRoster, simSiteConfig } from '../../simulator/site-data.js';
import { VpcdCard } from '../../simulator/vpcd.js';
import { ARTIFACTS, launchChromium, repoRoot } from '../../renderer/test/browser.js';

// For the callbacks that run in the page: this file is compiled for Node, without the DOM library.
declare const document: { querySelector(selector: string): { textContent: string | null } | null };

const SEED = 'cccd';
const log = silentLogger();
const today = siteDay(new Date());
const yesterday = siteDay(new Date(Date.now() - 86_400_000));
const flights = simFlights(SEED, today);
const citizens = makeCitizens(SEED, 600);
let dir: string;
let reg: EmbeddedRegistry;
let server: RegistryServer | null;
let registryPort: number;
let pki: TestPki;
let gate: VirtualGate;
let otherGate: RegistryClient;
let kiosk: { child: ChildProcess; url: string; scannerPort: number; vpcdPort: number };
let scanner: VirtualScanner;

/** The roster as published: every flight boarding, but one closed; its gates as simRoster gives them. */
const roster = simRoster('airport', SEED, today).map((i) => ({ ...i, value: { ...(i.value as FlightEntry) } }));
const flightOf = (index: number) => {
  const f = makeBoardingPass(citizens[index]!, flights, SEED).legs[0]!.flight;
  return roster.find((r) => (r.value as FlightEntry).number === f.number && (r.value as FlightEntry).carrier === f.carrier)?.value as
    FlightEntry | undefined;
};
/** This kiosk's gate: the gate of citizen 0's flight; the closed flight is another flight at the same gate, if any. */
let GATE = '';
const used = new Set<number>();
function passenger(fits: (f: FlightEntry | undefined) => boolean): number {
  const c = citizens.find((x) => !used.has(x.index) && fits(flightOf(x.index)));
  if (!c) throw new Error('no simulated passenger fits');
  used.add(c.index);
  return c.index;
}

beforeAll(async () => {
  GATE = flightOf(0)!.gate!;
  const closed = roster.find((r) => (r.value as FlightEntry).gate === GATE && r.value !== flightOf(0));
  if (closed) (closed.value as FlightEntry).status = 'closed';
  dir = mkdtempSync(join(tmpdir(), 'airport-e2e-'));
  reg = await startEmbeddedRegistry(null, log);
  server = reg.server;
  registryPort = Number(new URL(reg.server.url).port);
  const store = new KioskStore(join(dir, 'kiosk.db'));
  const creds = await enrolWithEmbedded(store, reg, 'e2e-airport', 'gate kiosk 1');
  store.close();
  // A second gate of the same site, which boards one of our passengers first.
  const store2 = new KioskStore(join(dir, 'other-gate.db'));
  otherGate = new RegistryClient(await enrolWithEmbedded(store2, reg, 'e2e-airport', 'gate kiosk 2'));
  store2.close();
  const config = simSiteConfig('airport', { faceMs: 8000 }) as Extract<SiteConfig, { kind: 'airport' }>;
  await publishDataset(reg.db, 'site-config', creds.site, [
    { key: 'site', value: { ...config, airport: { ...config.airport, gate: GATE, gateOpenSeconds: 2 } } },
  ]);
  await publishDataset(reg.db, 'roster', creds.site, roster);
  pki = await createTestPki();
  mkdirSync(join(dir, 'trust'));
  for (const f of trustFiles(pki)) writeFileSync(join(dir, 'trust', f.name), f.bytes);
  gate = new VirtualGate({ port: 0 });
  gate.on('error', () => undefined);
  await gate.start();
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
  await gate?.stop();
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
      '--site',
      'airport',
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
      '--gate',
      `modbus://127.0.0.1:${gate.port}?coil=0&open-input=0&fault-input=1`,
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

/** Chromium on the kiosk page, its camera playing `subject` for citizen `index`. */
async function atGate(index: number, subject: CameraSubject = 'holder'): Promise<{ page: Page; close(): Promise<void> }> {
  const frames = await subjectFrames(subject, { seed: SEED, citizen: index, count: 12 });
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

const send = (text: string, symbology: string) => scanner.send(hidPosReports(new TextEncoder().encode(text), symbology));
const scanPass = (index: number, date = today) =>
  send(encodeBcbp(makeBoardingPass(citizens[index]!, date === today ? flights : simFlights(SEED, date), SEED)), SYMBOLOGY.pdf417);
const scanQr = (index: number) => send(citizens[index]!.qr, SYMBOLOGY.qr);
const screen = (page: Page, name: string, timeout = 30_000) => page.waitForSelector(`[data-screen="${name}"]`, { timeout });

async function insert(index: number, faults: Fault[] = []): Promise<VpcdCard> {
  return VpcdCard.insert({ port: kiosk.vpcdPort, card: await createVirtualCard({ pki, seed: SEED, index, faults }), delays: false });
}

async function rows(): Promise<
  { decision: string; reasons: string[]; verification: Record<string, string>; identity: Record<string, string> | null }[]
> {
  return reg.db.query(
    "SELECT decision, reasons, verification, identity FROM checkins WHERE workflow = 'airport-boarding' ORDER BY recorded_at",
  );
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
  mkdirSync(join(ARTIFACTS, 'airport'), { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'airport', `${name}.png`) });
}

/** A passenger's walk: pass, QR code and card in `order`, then the result screen's outcome, reasons and gate. */
async function walk(
  index: number,
  o: { order?: 'pass-first' | 'card-first'; passFor?: number; passDate?: string; faults?: Fault[]; subject?: CameraSubject; name: string },
): Promise<{ outcome: string | null; reasons: string; gate: string | null; openings: number }> {
  // The previous passenger's gate has closed behind them (as the next one steps up).
  for (let t = 0; gate.coil && t < 200; t++) await new Promise((r) => setTimeout(r, 50));
  const v = await atGate(index, o.subject ?? 'holder');
  const openings = gate.openings.length;
  try {
    if (o.order !== 'card-first') {
      await scanPass(o.passFor ?? index, o.passDate);
      await screen(v.page, 'waiting-card');
    }
    await scanQr(index);
    const card = await insert(index, o.faults ?? []);
    try {
      if (o.order === 'card-first') {
        await screen(v.page, 'waiting-pass');
        await scanPass(o.passFor ?? index, o.passDate);
      }
      const result = await screen(v.page, 'result', 60_000);
      await shot(v.page, o.name);
      const outcome = await result.getAttribute('data-outcome');
      // The gate is opened once the check-in is durable, beside the screen's change: wait for it (bounded).
      for (let t = 0; outcome === 'admitted' && gate.openings.length === openings && t < 100; t++)
        await new Promise((r) => setTimeout(r, 50));
      return {
        outcome,
        reasons: (await result.getAttribute('data-reason')) ?? '',
        gate: await result.getAttribute('data-gate'),
        openings: gate.openings.length - openings,
      };
    } finally {
      card.remove();
    }
  } finally {
    await v.close();
  }
}

const onTime = (f: FlightEntry | undefined) => !!f && f.gate === GATE && f.status === 'boarding';

describe('boarding at the gate in the browser, through the real stack', () => {
  it('a passenger with the pass scanned first: the gate opens, the row at the registry', async () => {
    const before = (await rows()).length;
    const i = passenger(onTime);
    const r = await walk(i, { name: 'boarded-pass-first' });
    expect(r).toMatchObject({ outcome: 'admitted', gate: 'open', openings: 1 });
    const row = (await waitForRows(before + 1)).at(-1)!;
    expect(row).toMatchObject({ decision: 'admitted', verification: { face: 'matched', name: 'match', boarding: 'registry-free' } });
    expect(row.identity).toMatchObject({ flight: expect.stringMatching(/^[A-Z0-9]{2}\d+$/) });
  }, 120_000);

  it('a passenger with the card placed first, then the pass', async () => {
    const i = passenger(onTime);
    expect(await walk(i, { order: 'card-first', name: 'boarded-card-first' })).toMatchObject({
      outcome: 'admitted',
      gate: 'open',
      openings: 1,
    });
  }, 120_000);

  it.each([
    ["someone else's boarding pass", { passFor: 'other' as const }, 'name-mismatch'],
    ['a pass for another day', { passDate: yesterday }, 'pass-not-for-today'],
    ['a flight boarding at another gate', { flight: 'other-gate' as const }, 'wrong-gate'],
    ['a closed flight', { flight: 'closed' as const }, 'flight-closed'],
    ['an expired card', { faults: ['expired'] as Fault[] }, 'card-expired'],
    ['a cloned chip', { faults: ['cloned'] as Fault[] }, 'chip-cloned'],
  ])(
    '%s: refused with its reason, the gate shut, the refusal at the registry',
    async (label, o, reason) => {
      const before = (await rows()).length;
      const flight = 'flight' in o ? o.flight : null;
      const i = passenger((f) =>
        flight === 'other-gate'
          ? !!f && f.gate !== GATE && f.status === 'boarding'
          : flight === 'closed'
            ? !!f && f.status === 'closed'
            : onTime(f),
      );
      const passFor = 'passFor' in o ? passenger(onTime) : undefined;
      const r = await walk(i, {
        name: `refused-${reason}`,
        ...(passFor !== undefined ? { passFor } : {}),
        ...('passDate' in o ? { passDate: o.passDate } : {}),
        ...('faults' in o ? { faults: o.faults } : {}),
      });
      expect(r.outcome, label).toBe('refused');
      expect(r.reasons).toContain(reason);
      expect(r.openings).toBe(0);
      const row = (await waitForRows(before + 1)).at(-1)!;
      expect(row.decision).toBe('refused');
      expect(row.reasons).toContain(reason);
    },
    120_000,
  );

  it('a passenger another gate of the site boarded: refused as already boarded, the gate shut', async () => {
    const before = (await rows()).length;
    const i = passenger(onTime);
    const f = makeBoardingPass(citizens[i]!, flights, SEED).legs[0]!.flight;
    const claimed = await claimBoarding(otherGate, {
      flight: `${f.carrier}${f.number}`,
      date: today,
      idNumber: citizens[i]!.idNumber,
    });
    expect(claimed.kind).toBe('free');
    const r = await walk(i, { name: 'refused-already-boarded' });
    expect(r).toMatchObject({ outcome: 'refused', openings: 0 });
    expect(r.reasons).toContain('already-boarded');
    expect((await waitForRows(before + 1)).at(-1)).toMatchObject({ decision: 'refused', verification: { boarding: 'registry-boarded' } });
  }, 120_000);

  it('someone else in front of the camera: referred to staff, the gate shut', async () => {
    const before = (await rows()).length;
    const i = passenger(onTime);
    const r = await walk(i, { subject: 'other', name: 'referred-face-mismatch' });
    expect(r).toMatchObject({ outcome: 'referred', openings: 0 });
    expect(r.reasons).toContain('face-mismatch');
    expect((await waitForRows(before + 1)).at(-1)).toMatchObject({ decision: 'referred', reasons: ['face-mismatch'] });
  }, 120_000);

  it('boarding through a registry outage: the gate opens on the kiosk own record, the rows arrive after', async () => {
    const before = (await rows()).length;
    await server!.close();
    server = null;
    for (let n = 0; n < 2; n++) {
      const i = passenger(onTime);
      expect(await walk(i, { name: `boarded-offline-${n}` })).toMatchObject({ outcome: 'admitted', gate: 'open', openings: 1 });
    }
    expect((await rows()).length).toBe(before);
    server = await startRegistryServer({ db: reg.db, log, port: registryPort });
    const r = await waitForRows(before + 2, 90_000);
    expect(r.slice(-2).map((x) => x.verification['boarding'])).toEqual(['kiosk-record', 'kiosk-record']);
  }, 300_000);
});
