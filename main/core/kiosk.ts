// The composition root: the one place a kiosk is built from its configuration — store,
// reference data, sync, card readers, scanners, face step, workflow, UI server — and the one
// place it is stopped. `kiosk start`, the Electron core (utility-main.ts), `kiosk demo`, the
// benchmarks and the tests all build their kiosk here, so each runs what a kiosk runs.
//
// Nothing here may end the process: a registry that is down, a network that is cut, a reader
// service that is missing or a scanner that fails are statuses, shown and retried.
import type { ScannerConfig } from '../../drivers/hid/config.js';
import { FaceService } from '../../models/face-service.js';
import type { CheckinView, KioskStatus, Language } from '../api/contract.js';
import { SiteConfig, type SiteKind } from '../protocol/datasets.js';
import { KioskStore } from '../store/kiosk-store.js';
import { loadCredentials } from '../sync/credentials.js';
import { registryUrlProblem } from '../sync/registry-client.js';
import type { KioskCredentials } from '../sync/registry-client.js';
import type { SyncEngine, SyncOptions } from '../sync/sync-engine.js';
import { accessFromCan, accessFromQrFields } from './access-keys.js';
import { ChainWatch } from './chain-watch.js';
import { FaceStep, type FrameSource } from './face-step.js';
import { UiCamera } from './ui-camera.js';
import { KioskCore } from './kiosk-core.js';
import type { Logger } from './logger.js';
import { ReaderService, type CardSource } from './reader-service.js';
import { ReferenceData } from './reference-data.js';
import { loadRendererAssets } from './renderer-assets.js';
import { startScannerService, type ParsedScan, type ScannerService } from './scanner-service.js';
import { startRetention, startSyncService } from './sync-service.js';
import { readTrustFolder } from './trust-folder.js';
import { startUiServer, type UiServer } from './ui-server.js';
import { WorkflowRunner, type Decided } from './workflow/runner.js';
import { createPrinterService, type PrinterConfig } from '../../drivers/printer/config.js';
import type { PrinterService } from '../../drivers/printer/service.js';
import type { PrinterStatus } from '../../drivers/printer/status.js';
import type { DeviceState, StaffView } from '../api/contract.js';
import { checkStaffPin } from './staff-pin.js';
import { createGateService, type GateConfig } from '../../drivers/gate/config.js';
import type { GateService } from '../../drivers/gate/service.js';
import type { GateState } from '../../drivers/gate/gate.js';
import type { State } from './workflow/types.js';

export interface KioskConfig {
  simulator: boolean;
  log: Logger;
  /** The kiosk database file, or an open store (tests, the demo). */
  db: string | KioskStore;
  /** Simulator mode: the workflow to run whatever the registry publishes. */
  siteKind?: SiteKind;
  /** The configuration in force until the registry publishes one. */
  defaultSiteConfig?: SiteConfig;
  /** A local folder of CSCA certificates and CRLs, trusted beside the registry's. */
  trustDir?: string | null;
  /** Serve the UI over loopback HTTP + WebSocket; `false` when the Electron shell carries it. */
  ui?: { port: number; token?: string } | false;
  /** Scanners: the virtual scanner's loopback port in simulator mode, and which HID devices are scanners. */
  scanner?: { socketPort?: number; config?: ScannerConfig } | false;
  /** Live frames for the face step (the UI's camera, issue 13; a test's images). */
  frames?: FrameSource | null;
  /** Sync tuning (tests shorten the pauses). */
  sync?: Partial<SyncOptions>;
  /** Overrides the site's retention (days) when given. */
  retentionDays?: number;
  /** The ticket printer (hospital): where and how to print; absent or false: none. */
  printer?: PrinterConfig | false;
  /** The boarding gate (airport): its controller; absent or false: none. */
  gate?: GateConfig | false;
  now?: () => Date;
  /** Cards from in-process virtual chips instead of PC/SC (simulated fleets: bin/fleet). */
  cards?: CardSource;
  /** A face service shared by many kiosks in one process (a simulated fleet); not loaded or closed by this kiosk. */
  faceService?: FaceService;
}

export interface Kiosk {
  core: KioskCore;
  store: KioskStore;
  reference: ReferenceData;
  readers: ReaderService;
  scanners: ScannerService | null;
  runner: WorkflowRunner;
  /** The face step the workflow drives (benchmarks drive its capture loop directly). */
  face: FaceStep;
  ui: UiServer | null;
  sync: SyncEngine | null;
  credentials: KioskCredentials | null;
  status(): KioskStatus;
  view(): CheckinView;
  /** Resolves with the next recorded check-in. */
  nextDecision(timeoutMs?: number): Promise<Decided>;
  stop(): Promise<void>;
}

/** Used when nothing is published: a hospital with one general clinic (simulator: see simulator/site-data.ts). */
export function fallbackSiteConfig(kind: SiteKind): SiteConfig {
  return kind === 'hospital'
    ? SiteConfig.parse({
        kind,
        name: 'unconfigured hospital kiosk',
        clinics: [{ id: 'general', name: { vi: 'Khám tổng quát', en: 'General examination' }, room: '1' }],
      })
    : SiteConfig.parse({ kind, name: 'unconfigured airport kiosk', airport: { code: 'HAN' } });
}

export async function startKiosk(config: KioskConfig): Promise<Kiosk> {
  const log = config.log;
  const ownStore = typeof config.db === 'string';
  const store = typeof config.db === 'string' ? new KioskStore(config.db) : config.db;
  const credentials = loadCredentials(store);
  // Plain http to another machine would let anyone on the path read and answer for the registry.
  const urlProblem = credentials ? registryUrlProblem(credentials.registryUrl, config.simulator) : null;
  if (urlProblem) {
    if (ownStore) store.close();
    throw new Error(urlProblem);
  }
  const core = new KioskCore({ simulator: config.simulator });
  const stops: (() => Promise<void> | void)[] = [];

  let localTrust;
  if (config.trustDir) {
    localTrust = readTrustFolder(config.trustDir);
    log.info({ folder: config.trustDir, files: localTrust.length }, 'local trust folder');
  }
  const kind = config.siteKind ?? config.defaultSiteConfig?.kind ?? 'hospital';
  const reference = new ReferenceData({
    store,
    log,
    defaultSiteConfig: config.defaultSiteConfig ?? fallbackSiteConfig(kind),
    siteKindOverride: config.simulator ? (config.siteKind ?? null) : null,
    ...(localTrust ? { localTrust } : {}),
  });
  core.setLanguage(reference.siteConfig.defaultLanguage as Language);

  // Chain: checked in full at start, then from where it was last found whole.
  const chain = new ChainWatch(store, log);

  let sync: SyncEngine | null = null;
  if (credentials) {
    sync = startSyncService(store, credentials, log, (online) => core.setDevice('registry', online ? 'connected' : 'missing'), config.sync);
    sync.on('datasets', () => reference.reload());
    sync.on('dataset-refused', (r: { dataset: 'trust' | 'site-config' | 'roster'; problem: string }) =>
      reference.refused(r.dataset, r.problem),
    );
    sync.on('uploaded', () => chain.check());
    const s = sync;
    chain.onBreak = (seq, problem) => s.reportAlert({ kind: 'chain-break', seq, problem: problem.slice(0, 200) });
    stops.push(() => sync!.stop());
  } else
    log.warn('this kiosk is not enrolled with a registry: check-ins are kept and queued (kiosk sync enrol --registry URL --code CODE)');
  chain.check();
  const stopRetention = startRetention(store, () => config.retentionDays ?? reference.siteConfig.retentionDays, log);
  stops.push(stopRetention);

  // The ticket printer: its status polled and shown; a printer that is off or out of paper is a status, never a stop.
  let printer: PrinterService | null = null;
  let printerStatus: PrinterStatus | null = null;
  if (config.printer) {
    const p = createPrinterService(config.printer);
    p.on('error', (err: Error) => log.warn({ err: err.message }, 'printer'));
    p.on('status', (st: PrinterStatus) => {
      if (printerStatus?.state !== st.state) log.info({ state: st.state, detail: st.detail }, 'printer status');
      printerStatus = st;
      core.setDevice('printer', printerDeviceState(st));
    });
    p.start();
    printer = p;
    stops.push(() => p.stop());
  }

  // The boarding gate: its state polled and shown; a controller that is off is a status, never a stop.
  let gate: GateService | null = null;
  if (config.gate) {
    const g = createGateService(config.gate);
    g.on('error', (err: Error) => log.warn({ err: err.message }, 'gate'));
    let last: string | null = null;
    g.on('state', (st: GateState) => {
      if (last !== st.state) log.info({ state: st.state, detail: st.detail }, 'gate state');
      last = st.state;
      core.setDevice('gate', st.state === 'unreachable' ? 'missing' : st.state === 'fault' ? 'fault' : 'connected');
    });
    g.start();
    gate = g;
    stops.push(() => g.stop());
  }

  const readers = new ReaderService({ simulator: config.simulator, log, ...(config.cards ? { cards: config.cards } : {}) });
  const ownFace = !config.faceService;
  const faceService = config.faceService ?? new FaceService();
  // The face models load now, not at the first person's face step (a second or so, and the
  // worker's one-off start-up work stays out of any check-in). A shared service is its owner's to load.
  const modelsLoaded = ownFace
    ? faceService.analyse({ width: 64, height: 48, data: new Uint8Array(64 * 48 * 3) }, { liveness: false, cameraFrame: true }).then(
        () => log.info('face models loaded'),
        (err: Error) =>
          log.error({ err: err.message }, 'the face models could not be loaded: check-ins will record the face as not checked'),
      )
    : Promise.resolve();
  // The camera is the UI's (a page opens it and answers the face step's requests for frames);
  // tests and benchmarks may hand over their own frames instead.
  const cameraSettings = () => reference.siteConfig.camera;
  const uiCamera = new UiCamera(cameraSettings, log, (available) => core.setDevice('camera', available ? 'connected' : 'missing'));
  core.useCamera(uiCamera, cameraSettings);
  let lastCamera = JSON.stringify(cameraSettings());
  reference.on('changed', () => {
    const now = JSON.stringify(cameraSettings());
    if (now === lastCamera) return;
    lastCamera = now;
    core.emit('camera.settings', cameraSettings());
  });
  const frames: FrameSource = config.frames ?? uiCamera;
  const face = new FaceStep(faceService, frames);
  const runner = new WorkflowRunner({
    site: () => credentials?.site ?? 'unenrolled',
    store,
    reference,
    readers,
    face,
    log,
    ...(config.now ? { now: config.now } : {}),
    onRecorded: () => sync?.nudge(),
    printer,
    ticketPrefix: () => credentials?.ticketPrefix ?? 'K',
    gate,
    ...(sync
      ? {
          boardingClaim: async (c: { idNumber: string; flight: string; date: string }) => {
            const r = await sync!.claimBoarding(c);
            return r.kind;
          },
        }
      : {}),
  });
  stops.push(() => runner.stop());

  readers.on('readers', (names) => core.setDevice('reader', names.length ? 'connected' : 'missing'));
  // Out of service (staff mode): cards and scans are not taken until staff put the kiosk back.
  let outOfService = false;
  const take = (e: Parameters<WorkflowRunner['dispatch']>[0]) => {
    if (outOfService && runner.current.screen === 'idle') return;
    runner.dispatch(e);
  };
  readers.on('card-inserted', (reader) => take({ type: 'card-inserted', reader }));
  readers.on('card-removed', (reader) => runner.dispatch({ type: 'card-removed', reader }));
  readers.start();
  stops.push(() => readers.stop());
  if (config.frames) core.setDevice('camera', config.frames.available() ? 'connected' : 'missing');

  let scanners: ScannerService | null = null;
  if (config.scanner !== false) {
    try {
      scanners = await startScannerService({
        simulator: config.simulator,
        log,
        ...(config.scanner?.socketPort !== undefined ? { socketPort: config.scanner.socketPort } : {}),
        ...(config.scanner?.config ? { config: config.scanner.config } : {}),
        onStatus: (connected) => core.setDevice('scanner', connected ? 'connected' : 'missing'),
        onScan: (scan) => take(scanEvent(scan)),
      });
      if (scanners.socketPort !== null)
        log.info({ port: scanners.socketPort }, 'waiting for the virtual scanner (kiosk sim scanner) on 127.0.0.1');
      const s = scanners;
      stops.push(() => s.stop());
    } catch (err) {
      // Check-ins by card alone still work; the status shows the scanner missing.
      log.error({ err: (err as Error).message }, 'no barcode scanner service');
    }
  }

  const view = (): CheckinView => {
    const v = toView(runner.kind, runner.current, reference, runner.countdownMs());
    return outOfService && v.screen === 'idle' ? { ...v, screen: 'out-of-service' } : v;
  };
  const status = (): KioskStatus => {
    const s = sync?.status();
    const q = s ? null : store.queue();
    const c = chain.state;
    return {
      site: { id: credentials?.site ?? null, kind: reference.siteConfig.kind, name: reference.siteConfig.name },
      sync: {
        enrolled: credentials !== null,
        online: s?.online === true && s.lastError === null,
        queued: s?.queued ?? q!.length,
        oldestUnsyncedAgeMs: s
          ? s.oldestUnsyncedAgeMs
          : q!.oldestRecordedAt
            ? Math.max(0, Date.now() - Date.parse(q!.oldestRecordedAt))
            : null,
        lastError: s?.lastError ?? (credentials ? null : 'not enrolled'),
      },
      datasets: Object.fromEntries(
        Object.entries(reference.status()).map(([k, d]) => [
          k,
          { source: d.source, version: d.version, ageMs: d.ageMs, problem: d.problem },
        ]),
      ) as KioskStatus['datasets'],
      chain: { ok: c.ok, checked: c.checked, problem: c.problem },
    };
  };
  core.attach({
    view,
    status,
    enterCan: (can) => {
      runner.dispatch({ type: 'can-entered', access: accessFromCan(can) });
      return true;
    },
    cancel: () => runner.dispatch({ type: 'cancel' }),
    continueVisit: (feePaying) => {
      if (runner.current.screen !== 'insurance' || !runner.current.ctx.patient) return false;
      runner.dispatch({ type: 'continue', feePaying });
      return runner.current.screen !== 'insurance';
    },
    chooseClinic: (clinic) => {
      const c = reference.siteConfig;
      // Only a clinic of this site's configuration is taken.
      if (runner.current.screen !== 'clinic' || c.kind !== 'hospital' || !c.clinics.some((x) => x.id === clinic)) return false;
      runner.dispatch({ type: 'choose-clinic', clinic });
      return true;
    },
    confirm: () => {
      if (runner.current.screen !== 'confirm') return false;
      runner.dispatch({ type: 'confirm' });
      return true;
    },
    back: () => runner.dispatch({ type: 'back' }),
    checkPin: (pin) => checkStaffPin(reference.siteConfig.staffPin ?? null, pin),
    staffView: (): StaffView => {
      const st = status();
      const recent = store.page(0, 10).map((r) => ({
        at: r.recordedAt,
        decision: r.decision,
        reasons: r.reasons.slice(0, 16),
        ticket: r.identity?.ticket ?? null,
        clinic: r.identity?.appointment?.split(' ').pop() ?? null,
      }));
      return {
        devices: core.deviceStatus(),
        printer: printerStatus ? { state: printerStatus.state, detail: printerStatus.detail.slice(0, 200) } : null,
        status: st,
        outOfService,
        rosterAgeMs: reference.status()['roster']?.ageMs ?? null,
        recent,
        lastTicket: runner.lastTicket?.number ?? null,
      };
    },
    reprint: async () => {
      const t = runner.lastTicket;
      if (!t) return { printed: false, problem: 'no ticket was issued yet' };
      if (!printer) return { printed: false, problem: 'this kiosk has no printer' };
      const ok = await runner.print(t);
      log.info({ ticket: t.number, printed: ok }, 'ticket reprinted by staff');
      return { printed: ok, problem: ok ? null : (printerStatus?.detail ?? 'the printer did not print') };
    },
    setOutOfService: (on) => {
      if (outOfService === on) return;
      outOfService = on;
      store.audit(on ? 'kiosk.out-of-service' : 'kiosk.in-service', {});
      log.info({ outOfService: on }, 'staff changed the service state');
      core.emit('checkin.changed', view());
    },
  });
  runner.on('state', () => core.emit('checkin.changed', view()));
  const pushStatus = () => core.emit('kiosk.status', status());
  sync?.on('status', pushStatus);
  reference.on('changed', pushStatus);
  const statusTimer = setInterval(pushStatus, 10_000);
  statusTimer.unref();
  stops.push(() => clearInterval(statusTimer));

  let ui: UiServer | null = null;
  if (config.ui) {
    const assets = await loadRendererAssets();
    ui = await startUiServer({ core, log, assets, port: config.ui.port, ...(config.ui.token ? { token: config.ui.token } : {}) });
    const u = ui;
    stops.push(() => u.close());
  }

  let stopped = false;
  return {
    core,
    store,
    reference,
    readers,
    scanners,
    runner,
    face,
    ui,
    sync,
    credentials,
    status,
    view,
    nextDecision: (timeoutMs = 60_000) =>
      new Promise<Decided>((resolve, reject) => {
        const timer = setTimeout(() => {
          runner.off('decided', onDecided);
          reject(new Error(`no check-in was decided within ${Math.round(timeoutMs / 1000)} s (screen: ${runner.current.screen})`));
        }, timeoutMs);
        const onDecided = (d: Decided) => {
          clearTimeout(timer);
          resolve(d);
        };
        runner.once('decided', onDecided);
      }),
    async stop() {
      if (stopped) return;
      stopped = true;
      // Last in, first out: the UI and devices go before the store they write to.
      for (const stop of stops.reverse()) {
        try {
          await stop();
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'while stopping the kiosk');
        }
      }
      // Not while onnxruntime is still building its sessions: ending the worker then aborts the process.
      await Promise.race([modelsLoaded, new Promise((r) => setTimeout(r, 30_000).unref())]);
      if (ownFace) await faceService.close();
      if (ownStore) store.close();
    },
  };
}

function scanEvent(scan: ParsedScan) {
  if ('error' in scan) return { type: 'scan-unknown', why: 'invalid' } as const;
  const p = scan.payload;
  if (p.kind === 'bcbp') return { type: 'scan-pass', pass: p.pass } as const;
  if (p.kind === 'cccd-qr') return { type: 'scan-qr', access: accessFromQrFields(p.qr), idNumber: p.qr.idNumber } as const;
  return { type: 'scan-unknown', why: 'unknown' } as const;
}

function toView(kind: SiteKind, s: State, reference: ReferenceData, countdownMs: number | null): CheckinView {
  const config = reference.siteConfig;
  const clinics = config.kind === 'hospital' ? config.clinics : [];
  const clinicView = (id: string | null) => {
    const c = id ? clinics.find((x) => x.id === id) : undefined;
    return c ? { id: c.id, name: c.name, room: c.room } : null;
  };
  const visitScreens: State['screen'][] = ['insurance', 'clinic', 'confirm', 'deciding', 'result'];
  const p = s.ctx.patient;
  const roster = reference.status()['roster'];
  const visit =
    kind === 'hospital' && visitScreens.includes(s.screen) && (p || s.screen === 'insurance')
      ? {
          insurance: p?.insurance ?? null,
          // Older than a day, or never fetched from the registry: the patient sees a mark, staff see the age.
          rosterStale: !roster || roster.source !== 'registry' || (roster.ageMs ?? Infinity) > 86_400_000,
          appointment: p?.appointment
            ? { time: p.appointment.time, clinic: clinicView(p.appointment.clinic) ?? unknownClinic(p.appointment.clinic) }
            : null,
          clinics: s.screen === 'clinic' ? clinics.map((c) => ({ id: c.id, name: c.name, room: c.room })) : [],
          clinic: clinicView(s.ctx.clinic),
          feePaying: s.ctx.feePaying,
        }
      : null;
  const d = s.decision;
  const decision = d
    ? {
        ...d,
        ticket: d.ticket ? { ...d.ticket, clinic: clinicView(d.ticket.clinic) ?? unknownClinic(d.ticket.clinic) } : d.ticket,
      }
    : null;
  return {
    workflow: kind,
    screen: s.screen,
    notice: s.ctx.notice,
    progress: s.progress,
    guidance: s.guidance,
    hasPass: s.ctx.pass !== null,
    person: s.ctx.chip && s.screen !== 'idle' && s.screen !== 'reading' ? { fullName: s.ctx.chip.fullName } : null,
    visit,
    decision,
    countdownMs: s.screen === 'result' && countdownMs !== null ? Math.round(countdownMs) : null,
  };
}

/** A booking at a clinic the site configuration no longer lists: shown by its id. */
function unknownClinic(id: string) {
  return { id, name: { vi: id }, room: '?' };
}

function printerDeviceState(st: PrinterStatus): DeviceState {
  switch (st.state) {
    case 'ready':
    case 'paper-low':
      return 'connected';
    case 'paper-out':
      return 'paper-out';
    case 'cover-open':
      return 'cover-open';
    case 'unreachable':
      return 'missing';
    default:
      return 'fault';
  }
}
