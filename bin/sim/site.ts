// A whole simulated site in one process, for the technician's console, the scenario runner
// and the tests: a private pcscd with vpcd's two readers, an embedded registry (PGlite)
// publishing the simulator's trust, site configuration and roster, reached through a proxy
// that can be cut, a virtual printer (hospital) or gate (airport), the virtual scanner, a
// camera, and the kiosk itself built by the composition root with a clock that can be skewed.
// Every console button and scenario step is an Action (simulator/scenario/steps.ts) applied
// here; what the site looks like is `snapshot()`, what happens is the 'event' stream.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckinView, DecisionView, DeviceStatus, KioskStatus } from '../../main/api/contract.js';
import { startKiosk, type Kiosk } from '../../main/core/kiosk.js';
import { silentLogger, type Logger } from '../../main/core/logger.js';
import { siteDay } from '../../main/core/workflow/decision.js';
import type { Decided } from '../../main/core/workflow/runner.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { updateCredentials } from '../../main/sync/credentials.js';
import type { KioskCredentials } from '../../main/sync/registry-client.js';
import type { SyncOptions, UploadResult } from '../../main/sync/sync-engine.js';
import { encodeBcbp, makeBoardingPass, type Flight } from '../../simulator/boarding-pass.js';
import { createVirtualCard, type Fault } from '../../simulator/card.js';
import type { CameraSubject } from '../../simulator/camera-clip.js';
import { makeCitizen } from '../../simulator/citizens.js';
import { VirtualGate } from '../../simulator/gate.js';
import { LINK_PROFILES } from '../../simulator/link.js';
import { freePortPair, missingPcscStack, startPrivatePcscd, type PrivatePcscd } from '../../simulator/pcscd.js';
import { createTestPki, loadOrCreateTestPki, type TestPki } from '../../simulator/pki.js';
import { VirtualPrinter, type PrintedTicket, type VirtualPrinterState } from '../../simulator/printer.js';
import type { Action } from '../../simulator/scenario/steps.js';
import { hidPosReports, SYMBOLOGY, VirtualScanner } from '../../simulator/scanner.js';
import {
  SIM_AIRPORT,
  simFlights,
  simRoster,
  simSiteConfig,
  simSiteConfigItems,
  simTrustItems,
  type SimFaceOptions,
} from '../../simulator/site-data.js';
import { VpcdCard } from '../../simulator/vpcd.js';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from '../embedded-registry.js';
import { gateFromOption } from '../gate-option.js';
import { printerFromOption } from '../printer-option.js';
import { publishIfChanged } from '../simulator-site.js';
import { apduTraceLine } from './apdu-trace.js';
import { headlessCamera, type CameraDriver } from './camera.js';
import { startCutProxy, type CutProxy } from './cut-proxy.js';

export type SimErrorCode =
  | 'no-pcsc'
  | 'already-running'
  | 'start-failed'
  | 'stopped'
  | 'not-this-site'
  | 'card'
  | 'scanner'
  | 'camera'
  | 'not-accepted'
  | 'sync-timeout';

/** Something the simulated site could not do, said so a technician can act on it. */
export class SimError extends Error {
  constructor(
    readonly code: SimErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export type SiteKind = 'hospital' | 'airport';
export type ReaderSlot = 0 | 1;

export interface SimSiteOptions {
  kind: SiteKind;
  /** The synthetic citizens' seed (default 'cccd', as `kiosk sim chip`). */
  seed?: string;
  /** Where the kiosk database, the registry and the test PKI live; default a temporary folder removed at stop. */
  dataDir?: string;
  /** Serve the kiosk's UI on loopback (the console shows it); default off. */
  ui?: { port: number; token?: string } | false;
  /** What the camera sees; default the headless looping camera. */
  camera?: CameraDriver;
  /** The face step of the simulator's site configuration. */
  face?: SimFaceOptions;
  log?: Logger;
  /** Sync pauses (default short, so a restored network drains within a couple of seconds). */
  sync?: Partial<SyncOptions>;
  /** kiosk start: the kiosk database (default DIR/kiosk.db), the test PKI `kiosk sim chip` uses too (default DIR/pki),
   * the private pcscd's first vpcd port (default any free pair), the virtual scanner's socket (default any free port). */
  db?: string;
  pkiDir?: string;
  vpcdPort?: number;
  scannerPort?: number;
}

/** The last recorded decision as the simulator tells it (no personal data). */
export interface DecisionSnapshot {
  at: string;
  decision: DecisionView['decision'];
  reasons: string[];
  face: DecisionView['face']['status'];
  /** Hospital: the ticket issued, and whether the virtual printer printed one since. */
  ticket: { number: string; clinic: string; printed: boolean } | null;
  /** Airport: the gate as the screen says, and whether the virtual gate opened since. */
  gate: { screen: 'open' | 'fault' | 'none' | null; opened: boolean } | null;
}

export interface CardOnReader {
  citizen: number;
  faults: Fault[];
  link: string;
}

export interface SimSnapshot {
  kind: SiteKind;
  view: CheckinView;
  devices: DeviceStatus;
  status: KioskStatus;
  queued: number;
  lastDecision: DecisionSnapshot | null;
  /** Since the site started. */
  checkins: number;
  tickets: number;
  gateOpenings: number;
  /** This kiosk's check-ins the registry holds (asked of its database). */
  registry: number;
  network: 'up' | 'cut';
  clockSkewMinutes: number;
  cards: [CardOnReader | null, CardOnReader | null];
  camera: { subject: CameraSubject; citizen: number | null };
  printer: VirtualPrinterState | null;
  gate: 'ok' | 'jammed' | null;
}

export type SimEvent =
  | { type: 'view'; view: CheckinView }
  | { type: 'devices'; devices: DeviceStatus }
  | { type: 'decision'; decision: DecisionSnapshot }
  | { type: 'apdu'; reader: ReaderSlot; line: string }
  | { type: 'sync'; answer: UploadResult | null; online: boolean; queued: number; lastError: string | null }
  | { type: 'ticket'; text: string }
  | { type: 'gate'; opened: boolean }
  | { type: 'action'; action: Action }
  | { type: 'problem'; code: SimErrorCode | 'kiosk'; message: string };

export interface SimSite {
  readonly kind: SiteKind;
  readonly seed: string;
  readonly kiosk: Kiosk;
  readonly credentials: KioskCredentials;
  /** The registry's own address (not through the cuttable path), for its fleet page. */
  readonly registryUrl: string;
  /** The embedded registry's database (kiosk start issues the fleet page's operator token with it). */
  readonly registryDb: EmbeddedRegistry['db'];
  /** Where `kiosk sim chip --port N` can put more cards (slot 0; slot 1 is N+1). */
  readonly vpcdPort: number;
  apply(action: Action): Promise<void>;
  snapshot(): Promise<SimSnapshot>;
  /** Publishes a changed face step in the site configuration and waits until the kiosk has it. */
  configureFace(face: SimFaceOptions): Promise<void>;
  /** Takes cards off, restores network, clock, printer, gate and camera, and waits for the idle screen. */
  reset(): Promise<void>;
  on(name: 'event', listener: (e: SimEvent) => void): () => void;
  stop(): Promise<void>;
}

const SITE_ID: Record<SiteKind, string> = { hospital: 'sim-hospital', airport: 'sim-airport' };
const readerName = (slot: ReaderSlot) => `Virtual PCD 00 0${slot}`;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** pcscd's socket is one per process (PCSCLITE_CSOCK_NAME): one simulated site at a time. */
let running = false;
/** And its path is learnt once per process: every site of this process puts its pcscd's socket here. */
let pcscdDir: string | null = null;
function pcscdFolder(): string {
  if (!pcscdDir) {
    const d = mkdtempSync(join(tmpdir(), 'kiosk-sim-pcscd-'));
    process.once('exit', () => rmSync(d, { recursive: true, force: true }));
    pcscdDir = d;
  }
  return pcscdDir;
}

export async function startSimSite(o: SimSiteOptions): Promise<SimSite> {
  if (running) throw new SimError('already-running', 'a simulated site already runs in this process; stop it first');
  const missing = missingPcscStack();
  if (missing) throw new SimError('no-pcsc', `no virtual card readers: ${missing}`);
  running = true;
  const undo: (() => Promise<void> | void)[] = [];
  const unwind = async () => {
    for (const u of undo.reverse()) await Promise.resolve(u()).catch(() => undefined);
    running = false;
  };
  try {
    return await build(o, undo, unwind);
  } catch (err) {
    await unwind();
    if (err instanceof SimError) throw err;
    throw new SimError('start-failed', `the simulated site could not start: ${(err as Error).message.split('\n')[0]}`);
  }
}

async function build(o: SimSiteOptions, undo: (() => Promise<void> | void)[], unwind: () => Promise<void>): Promise<SimSite> {
  const kind = o.kind;
  const listeners = new Set<(e: SimEvent) => void>();
  function emit(e: SimEvent): void {
    for (const l of listeners) {
      try {
        l(e);
      } catch {
        // A listener's failure is its own; the site goes on.
      }
    }
  }

  const seed = o.seed ?? 'cccd';
  const log = o.log ?? silentLogger();
  const temp = !o.dataDir;
  const dir = o.dataDir ?? mkdtempSync(join(tmpdir(), `sim-${kind}-`));
  if (temp) undo.push(() => rmSync(dir, { recursive: true, force: true }));
  const pki: TestPki = o.pkiDir
    ? await loadOrCreateTestPki(o.pkiDir)
    : temp
      ? await createTestPki()
      : await loadOrCreateTestPki(join(dir, 'pki'));

  const pcscd: PrivatePcscd = await startPrivatePcscd(o.vpcdPort ?? (await freePortPair()), 10_000, { dir: pcscdFolder() });
  undo.push(() => pcscd.stop());
  process.env['PCSCLITE_CSOCK_NAME'] = pcscd.socket;

  const registry: EmbeddedRegistry = await startEmbeddedRegistry(temp ? null : join(dir, 'registry'), log);
  undo.push(() => registry.close());
  const store = new KioskStore(o.db ?? join(dir, 'kiosk.db'));
  undo.push(() => store.close());
  const enrolled = await enrolWithEmbedded(store, registry, SITE_ID[kind], `simulated ${kind} kiosk`);
  const today = siteDay(new Date());
  let face: SimFaceOptions = o.face ?? {};
  await publishIfChanged(registry.db, 'trust', null, simTrustItems(pki));
  await publishIfChanged(registry.db, 'site-config', enrolled.site, simSiteConfigItems(kind, face));
  await publishIfChanged(registry.db, 'roster', enrolled.site, simRoster(kind, seed, today));

  // The kiosk reaches its registry only through the path a technician can cut.
  const proxy: CutProxy = await startCutProxy({ port: Number(new URL(registry.server.url).port) });
  undo.push(() => proxy.close());
  const credentials: KioskCredentials = { ...enrolled, registryUrl: `http://127.0.0.1:${proxy.port}` };
  updateCredentials(store, credentials);

  let printer: VirtualPrinter | null = null;
  let gate: VirtualGate | null = null;
  if (kind === 'hospital') {
    const p = new VirtualPrinter({ port: 0 });
    p.on('error', (err: Error) => emit({ type: 'problem', code: 'kiosk', message: `virtual printer: ${err.message}` }));
    await p.start();
    undo.push(() => p.stop());
    printer = p;
  } else {
    const g = new VirtualGate({ port: 0 });
    g.on('error', (err: Error) => emit({ type: 'problem', code: 'kiosk', message: `virtual gate: ${err.message}` }));
    await g.start();
    undo.push(() => g.stop());
    gate = g;
  }

  const camera = o.camera ?? headlessCamera(seed);
  let skewMs = 0;
  const kiosk = await startKiosk({
    simulator: true,
    log,
    db: store,
    siteKind: kind,
    defaultSiteConfig: simSiteConfig(kind, face),
    trustDir: null,
    ui: o.ui ?? false,
    scanner: { socketPort: o.scannerPort ?? 0 },
    frames: camera.frames,
    sync: { baseDelayMs: 200, maxDelayMs: 1500, idleMs: 300, datasetsEveryMs: 500, ...o.sync },
    printer: printer ? printerFromOption(`tcp://127.0.0.1:${printer.port}`) : false,
    gate: gate ? gateFromOption(gate.address) : false,
    now: () => new Date(Date.now() + skewMs),
  });
  undo.push(async () => {
    // Let the binding's reader threads go quiet before they are closed (drivers/pcsc).
    await sleep(300);
    await kiosk.stop();
  });

  const waitUntil = async (ok: () => boolean, timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) return false;
      await sleep(20);
    }
    return true;
  };
  if (!(await waitUntil(() => kiosk.readers.readers.length === 2, 15_000)))
    throw new SimError('start-failed', 'the kiosk does not see the two virtual card readers');
  const datasetsIn = () => ['trust', 'site-config', 'roster'].every((d) => (kiosk.reference.status()[d]?.version ?? 0) > 0);
  if (!(await waitUntil(datasetsIn, 20_000)))
    throw new SimError('start-failed', 'the kiosk did not get the trust list, site configuration and roster from the registry');
  const scanner = await VirtualScanner.connect(kiosk.scanners!.socketPort!);
  undo.push(() => scanner.close().catch(() => undefined));
  if (!(await waitUntil(() => (kiosk.scanners?.scanners.devices().length ?? 0) > 0, 10_000)))
    throw new SimError('start-failed', 'the kiosk did not attach the virtual scanner');

  // What the site has seen, counted here (the printer keeps only its last tickets).
  let checkins = 0;
  let tickets = 0;
  let openings = 0;
  let last: { decision: Decided['decision']; at: string; ticketsBefore: number; openingsBefore: number } | null = null;
  const cards: [({ vpcd: VpcdCard } & CardOnReader) | null, ({ vpcd: VpcdCard } & CardOnReader) | null] = [null, null];
  let cameraState: { subject: CameraSubject; citizen: number | null } = { subject: 'holder', citizen: null };
  let lastCardCitizen: number | null = null;

  const lastDecision = (): DecisionSnapshot | null => {
    if (!last) return null;
    const d = last.decision;
    return {
      at: last.at,
      decision: d.decision,
      reasons: [...d.reasons],
      face: d.face.status,
      ticket: d.ticket ? { number: d.ticket.number, clinic: d.ticket.clinic, printed: tickets > last.ticketsBefore } : null,
      gate: kind === 'airport' ? { screen: d.gate ?? null, opened: openings > last.openingsBefore } : null,
    };
  };
  kiosk.runner.on('decided', (d: Decided) => {
    checkins++;
    last = { decision: d.decision, at: new Date().toISOString(), ticketsBefore: tickets, openingsBefore: openings };
    emit({ type: 'decision', decision: lastDecision()! });
  });
  kiosk.runner.on('problem', (message: string) => emit({ type: 'problem', code: 'kiosk', message }));
  printer?.on('ticket', (t: PrintedTicket) => {
    tickets++;
    emit({ type: 'ticket', text: t.text });
  });
  gate?.on('opened', () => {
    openings++;
    emit({ type: 'gate', opened: true });
  });
  gate?.on('closed', () => emit({ type: 'gate', opened: false }));
  const unsubscribe = kiosk.core.subscribe((name, payload) => {
    if (name === 'checkin.changed') emit({ type: 'view', view: payload as CheckinView });
    else if (name === 'devices.changed') emit({ type: 'devices', devices: payload as DeviceStatus });
  });
  undo.push(unsubscribe);
  const syncEvent = (answer: UploadResult | null) => {
    const s = kiosk.status().sync;
    emit({ type: 'sync', answer, online: s.online, queued: s.queued, lastError: s.lastError });
  };
  kiosk.sync?.on('uploaded', (r: UploadResult) => syncEvent(r));
  kiosk.sync?.on('status', () => syncEvent(null));

  const registryCount = async (): Promise<number> => {
    const [row] = await registry.db.query<{ n: number }>('SELECT count(*)::int AS n FROM checkins WHERE kiosk_id = $1', [
      credentials.kioskId,
    ]);
    return Number(row?.n ?? 0);
  };

  const showCamera = async (subject: CameraSubject, citizen: number) => {
    try {
      await camera.show(subject, citizen);
      if (camera.frames) kiosk.core.setDevice('camera', camera.frames.available() ? 'connected' : 'missing');
    } catch (err) {
      throw new SimError('camera', `the camera cannot show ${subject}: ${(err as Error).message}`);
    }
  };

  const readerEvent = (event: 'card-inserted' | 'card-removed', slot: ReaderSlot, timeoutMs: number) => {
    let off = () => {};
    const seen = new Promise<boolean>((resolve) => {
      const on = (r: string) => {
        if (r === readerName(slot)) resolve(true);
      };
      const timer = setTimeout(() => resolve(false), timeoutMs);
      kiosk.readers.on(event, on);
      off = () => {
        clearTimeout(timer);
        kiosk.readers.off(event, on);
      };
    });
    return seen.finally(off);
  };

  const cardOff = async (slot: ReaderSlot) => {
    const c = cards[slot];
    if (!c) return;
    cards[slot] = null;
    const gone = readerEvent('card-removed', slot, 5000);
    c.vpcd.remove();
    await gone;
  };

  const cardOn = async (a: Extract<Action, { do: 'card-on' }>) => {
    const slot: ReaderSlot = a.reader ?? 0;
    await cardOff(slot);
    const link = LINK_PROFILES[a.link ?? 'instant']!;
    const faults = a.faults ?? [];
    const card = await createVirtualCard({
      pki,
      seed,
      index: a.citizen,
      faults,
      link,
      onExchange: (command, response) => emit({ type: 'apdu', reader: slot, line: apduTraceLine(command, response) }),
    });
    lastCardCitizen = a.citizen;
    // The camera sees this card's holder unless a camera step named someone.
    if (cameraState.citizen === null) await showCamera(cameraState.subject, a.citizen);
    const seen = readerEvent('card-inserted', slot, 10_000);
    let vpcd: VpcdCard;
    try {
      vpcd = await VpcdCard.insert({ port: pcscd.ports[slot], card, delays: card.link.name !== 'instant', connectTimeoutMs: 5000 });
    } catch (err) {
      throw new SimError('card', `the card could not be put on reader ${slot}: ${(err as Error).message}`);
    }
    const entry = { vpcd, citizen: a.citizen, faults: [...faults], link: card.link.name };
    cards[slot] = entry;
    // A card that leaves by itself (the "removed" fault) is off the reader.
    void vpcd.done.then(() => {
      if (cards[slot] === entry) cards[slot] = null;
    });
    if (!(await seen)) throw new SimError('card', `the kiosk did not see the card on reader ${slot} (is pcscd's vpcd reader there?)`);
  };

  const scan = async (text: string, symbology: string) => {
    const before = kiosk.runner.current;
    try {
      await scanner.send(hidPosReports(new TextEncoder().encode(text), symbology));
    } catch (err) {
      throw new SimError('scanner', `the virtual scanner could not send: ${(err as Error).message}`);
    }
    // The kiosk takes it within moments; a scan it ignores (a screen that takes none) changes nothing.
    await waitUntil(() => kiosk.runner.current !== before, 2000);
  };

  const pass = (a: Extract<Action, { do: 'scan-pass' }>): string => {
    const citizen = makeCitizen(seed, a.citizen);
    const date = a.date ?? siteDay(new Date());
    const roster = simFlights(seed, date);
    let flights: Flight[] = roster;
    if (a.flight) {
      const f = roster.find((x) => `${x.carrier}${x.number}` === a.flight);
      flights = [f ?? { carrier: a.flight.slice(0, 2), number: a.flight.slice(2), from: SIM_AIRPORT, to: 'SGN', date }];
    }
    return encodeBcbp(makeBoardingPass(citizen, flights, seed));
  };

  const ask = async (what: string, r: Promise<{ accepted: boolean }>) => {
    if (!(await r).accepted)
      throw new SimError('not-accepted', `the kiosk did not take "${what}" on the ${kiosk.runner.current.screen} screen`);
  };

  let stopped = false;
  const apply = async (a: Action): Promise<void> => {
    if (stopped) throw new SimError('stopped', 'the simulated site has stopped');
    switch (a.do) {
      case 'card-on':
        await cardOn(a);
        break;
      case 'card-off':
        await cardOff(a.reader ?? 0);
        break;
      case 'scan-qr':
        await scan(makeCitizen(seed, a.citizen).qr, SYMBOLOGY.qr);
        break;
      case 'scan-pass':
        await scan(pass(a), SYMBOLOGY.pdf417);
        break;
      case 'scan-text':
        await scan(a.text, SYMBOLOGY.qr);
        break;
      case 'camera':
        await showCamera(a.subject, a.citizen ?? lastCardCitizen ?? 0);
        cameraState = { subject: a.subject, citizen: a.citizen ?? null };
        break;
      case 'network':
        proxy.setCut(a.state === 'cut');
        kiosk.sync?.nudge();
        break;
      case 'clock':
        skewMs = a.skewMinutes * 60_000;
        break;
      case 'printer':
        if (!printer) throw new SimError('not-this-site', 'an airport kiosk has no ticket printer');
        printer.state = a.state;
        break;
      case 'gate':
        if (!gate) throw new SimError('not-this-site', 'a hospital kiosk has no boarding gate');
        gate.setState(a.state === 'jammed' ? 'fault' : 'closed');
        break;
      case 'press':
        if (a.button === 'continue' || a.button === 'continue-fee-paying')
          await ask(a.button, kiosk.core.handle('checkin.continue', { feePaying: a.button === 'continue-fee-paying' }));
        else if (a.button === 'confirm') await ask('confirm', kiosk.core.handle('checkin.confirm', {}));
        else if (a.button === 'back') await kiosk.core.handle('checkin.back', {});
        else await kiosk.core.handle('checkin.cancel', {});
        break;
      case 'choose-clinic':
        await ask(`clinic ${a.clinic}`, kiosk.core.handle('checkin.chooseClinic', { clinic: a.clinic }));
        break;
      case 'enter-can':
        await ask('the CAN', kiosk.core.handle('checkin.enterCan', { can: a.can }));
        break;
      case 'wait':
        await sleep(a.ms);
        break;
      case 'sync': {
        const timeoutMs = a.timeoutMs ?? 30_000;
        kiosk.sync?.nudge();
        if (!(await waitUntil(() => kiosk.status().sync.queued === 0, timeoutMs))) {
          const q = kiosk.status().sync.queued;
          throw new SimError(
            'sync-timeout',
            `${q} check-in(s) still queued after ${Math.round(timeoutMs / 1000)} s${proxy.cut ? ' (the network is cut)' : ''}`,
          );
        }
        break;
      }
    }
    emit({ type: 'action', action: a });
  };

  const site: SimSite = {
    kind,
    seed,
    kiosk,
    credentials,
    registryUrl: registry.server.url,
    registryDb: registry.db,
    vpcdPort: pcscd.ports[0],
    async apply(a) {
      try {
        await apply(a);
      } catch (err) {
        const e = err instanceof SimError ? err : new SimError('card', (err as Error).message);
        emit({ type: 'problem', code: e.code, message: e.message });
        throw e;
      }
    },
    async snapshot() {
      const status = kiosk.status();
      return {
        kind,
        view: kiosk.view(),
        devices: kiosk.core.deviceStatus(),
        status,
        queued: status.sync.queued,
        lastDecision: lastDecision(),
        checkins,
        tickets,
        gateOpenings: openings,
        registry: await registryCount(),
        network: proxy.cut ? 'cut' : 'up',
        clockSkewMinutes: Math.round(skewMs / 60_000),
        cards: [cards[0] ? view(cards[0]) : null, cards[1] ? view(cards[1]) : null],
        camera: { ...cameraState },
        printer: printer?.state ?? null,
        gate: gate ? (gate.state === 'fault' ? 'jammed' : 'ok') : null,
      };
    },
    async configureFace(f) {
      face = f;
      const items = simSiteConfigItems(kind, face);
      if (!(await publishIfChanged(registry.db, 'site-config', credentials.site, items))) return;
      const want = JSON.stringify(items[0]!.value.face);
      const wasCut = proxy.cut;
      proxy.setCut(false);
      kiosk.sync?.nudge();
      const ok = await waitUntil(() => JSON.stringify(kiosk.reference.siteConfig.face) === want, 15_000);
      proxy.setCut(wasCut);
      if (!ok) throw new SimError('sync-timeout', 'the kiosk did not take the changed site configuration from the registry');
    },
    async reset() {
      await cardOff(0);
      await cardOff(1);
      proxy.setCut(false);
      skewMs = 0;
      if (printer) printer.state = 'ready';
      gate?.setState('closed');
      cameraState = { subject: 'holder', citizen: null };
      lastCardCitizen = null;
      if (kiosk.runner.current.screen !== 'idle') await kiosk.core.handle('checkin.cancel', {});
      await waitUntil(() => kiosk.runner.current.screen === 'idle', 15_000);
      // A gate still open for the last passenger would not open anew for the next one.
      if (gate) await waitUntil(() => gate!.state === 'closed' && !gate!.coil, 15_000);
    },
    on(_name, listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const c of cards) c?.vpcd.remove();
      listeners.clear();
      await unwind();
    },
  };
  return site;
}

function view(c: CardOnReader): CardOnReader {
  return { citizen: c.citizen, faults: [...c.faults], link: c.link };
}
