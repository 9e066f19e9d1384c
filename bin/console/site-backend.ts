// The console's view of a simulated site (bin/sim/site.ts SimSite): the people to pick, the
// shipped scenarios, the site's snapshot kept current from its event stream (a snapshot asks
// the registry's database, so it is refreshed once per burst of events, not per event), and
// its events told as lines for the live views.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckinView, DeviceStatus, KioskStatus } from '../../main/api/contract.js';
import { siteDay } from '../../main/core/workflow/decision.js';
import { makeBoardingPass } from '../../simulator/boarding-pass.js';
import { citizenFace } from '../../simulator/chip-photos.js';
import { makeCitizen } from '../../simulator/citizens.js';
import type { CitizenCard, ConsoleEvent, ConsoleSnapshot, ScenarioInfo } from '../../simulator/console-page/protocol.js';
import { CameraSubject, ChipFault, type Action, type Scenario } from '../../simulator/scenario/steps.js';
import { SIM_CLINICS, simFlights } from '../../simulator/site-data.js';
import type { ConsoleBackend, RunProgress } from './server.js';

/** What the console needs of SimSite (structurally: SimSite is one). */
export interface ConsoleSiteLike {
  readonly kind: 'hospital' | 'airport';
  readonly seed: string;
  apply(action: Action): Promise<void>;
  /** Cards off, network, clock, printer, gate and camera back to normal, the idle screen. */
  reset(): Promise<void>;
  snapshot(): Promise<{
    view: CheckinView;
    devices: DeviceStatus;
    status: KioskStatus;
    queued: number;
    lastDecision: { decision: string; reasons: string[]; face: string } | null;
    checkins: number;
    registry: number;
    network: 'up' | 'cut';
    clockSkewMinutes: number;
    cards: readonly ({ citizen: number; faults: string[] } | null)[];
    camera: { subject: string; citizen: number | null } | null;
    printer: string | null;
    gate: string | null;
  }>;
  on(name: 'event', listener: (e: SiteEventLike) => void): () => void;
}

/** The site's events the console tells (SimSite's SimEvent, by its fields). */
export type SiteEventLike =
  | { type: 'view'; view: CheckinView }
  | { type: 'devices'; devices: DeviceStatus }
  | { type: 'decision'; decision: { decision: string; reasons: string[]; face: string } }
  | { type: 'apdu'; reader: number; line: string }
  | {
      type: 'sync';
      answer: { sent: number; accepted: number; duplicate: number; rejected: number } | null;
      online: boolean;
      queued: number;
      lastError: string | null;
    }
  | { type: 'ticket'; text: string }
  | { type: 'gate'; opened: boolean }
  | { type: 'action'; action: Action }
  | { type: 'problem'; code: string; message: string };

/** The newcomer's "try this" list, in this order (simulator/scenarios/FILE); the rest are "more scenarios". */
export const TRY_THIS = ['patient-visit.yaml', 'passenger-boarding.yaml', 'fault-cloned.yaml', 'face-mismatch.yaml', 'outage.yaml'];

/** How many synthetic citizens the panel offers. */
export const CONSOLE_PEOPLE = 12;

/** What runs a scenario live on the site, step by step (bin/sim/scenario-runner.ts, or the console's own). */
export type ScenarioRun = (scenario: Scenario, progress: RunProgress) => Promise<void>;

export interface SiteBackendOptions {
  site: ConsoleSiteLike;
  /** The shipped scenarios' folder (simulator/scenarios). */
  scenarioDir: string;
  parseScenario: (text: string) => Scenario;
  toYaml: (scenario: Scenario) => string;
  run: ScenarioRun;
}

const BLANK: ConsoleSnapshot = {
  screen: 'idle',
  readers: [null, null],
  camera: null,
  network: 'restored',
  clockSkewMinutes: 0,
  printer: null,
  gate: null,
  devices: {},
  outbox: { queued: 0, oldestAgeMs: null },
  checkins: 0,
  inRegistry: 0,
  registry: null,
  decision: null,
};

export async function siteBackend(o: SiteBackendOptions): Promise<ConsoleBackend & { refresh(): Promise<void> }> {
  const { site } = o;
  const listeners = new Set<{ changed(): void; event(e: ConsoleEvent): void }>();
  let snap = BLANK;
  let registryLine: ConsoleSnapshot['registry'] = null;
  let refreshing: Promise<void> | null = null;
  let again = false;

  const refresh = async (): Promise<void> => {
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        try {
          snap = toConsole(site.kind, await site.snapshot(), registryLine);
        } catch {
          // A site stopping under us: the last snapshot stays.
        }
      } while (again);
      refreshing = null;
      for (const l of listeners) l.changed();
    })();
    return refreshing;
  };

  let lastView = '';
  site.on('event', (e) => {
    // The read's progress changes the view many times on one screen: a line only when the screen or its note changes.
    if (e.type === 'view') {
      const key = `${e.view.screen}/${e.view.notice ?? ''}`;
      if (key === lastView) return;
      lastView = key;
    }
    const line = tell(e);
    if (e.type === 'sync') registryLine = line ? { at: line.at, text: line.text } : registryLine;
    if (line) for (const l of listeners) l.event(line);
    if (e.type !== 'apdu') void refresh();
  });
  await refresh();

  const today = siteDay(new Date());
  const flights = site.kind === 'airport' ? simFlights(site.seed, today) : [];
  const citizens = async (): Promise<CitizenCard[]> =>
    Promise.all(
      Array.from({ length: CONSOLE_PEOPLE }, async (_, index) => {
        const c = makeCitizen(site.seed, index);
        const face = await citizenFace(site.seed, index);
        const leg = flights.length ? makeBoardingPass(c, flights, site.seed).legs[0] : undefined;
        return {
          index,
          fullName: c.fullName,
          idNumber: c.idNumber,
          sex: c.sex,
          birthDate: c.birthDate,
          expiryDate: c.expiryDate,
          placeOfOrigin: c.placeOfOrigin.slice(0, 300),
          flight: leg ? `${leg.flight.carrier}${leg.flight.number}`.slice(0, 10) : null,
          photo:
            face.format === 'jpeg' && face.bytes.length < 47_000
              ? `data:image/jpeg;base64,${Buffer.from(face.bytes).toString('base64')}`
              : null,
        };
      }),
    );

  const library = loadLibrary(o.scenarioDir, o.parseScenario);
  return {
    site: site.kind,
    citizens,
    scenarios: () => library.map((l) => l.info),
    clinics: () => (site.kind === 'hospital' ? SIM_CLINICS.map((c) => ({ id: c.id, name: `${c.name.vi} · ${c.name.en}` })) : []),
    apply: (action) => site.apply(action),
    async run(which, progress) {
      const scenario = 'file' in which ? library.find((l) => l.info.file === which.file)?.scenario : which.scenario;
      if (!scenario) throw new Error(`no scenario ${'file' in which ? which.file : ''}`);
      await o.run(scenario, progress);
    },
    parseScenario: o.parseScenario,
    toYaml: o.toYaml,
    snapshot: () => snap,
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    refresh,
  };
}

/** The shipped scenarios that parse (a broken file is left out of the list, not fatal). */
function loadLibrary(dir: string, parse: (text: string) => Scenario): { info: ScenarioInfo; scenario: Scenario }[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => /^[a-z0-9-]{1,64}\.ya?ml$/.test(f))
      .sort();
  } catch {
    return [];
  }
  const out: { info: ScenarioInfo; scenario: Scenario }[] = [];
  for (const file of files.slice(0, 100)) {
    try {
      const scenario = parse(readFileSync(join(dir, file), 'utf8'));
      out.push({
        info: {
          file,
          name: scenario.name.slice(0, 300),
          about: (scenario.about ?? '').slice(0, 1000),
          site: scenario.site,
          featured: TRY_THIS.includes(file),
        },
        scenario,
      });
    } catch {
      // Named by `kiosk sim run`, which says what is wrong with it.
    }
  }
  const rank = (f: string) => (TRY_THIS.includes(f) ? TRY_THIS.indexOf(f) : TRY_THIS.length);
  return out.sort((a, b) => rank(a.info.file) - rank(b.info.file));
}

function toConsole(
  kind: 'hospital' | 'airport',
  s: Awaited<ReturnType<ConsoleSiteLike['snapshot']>>,
  registry: ConsoleSnapshot['registry'],
): ConsoleSnapshot {
  return {
    screen: s.view.screen,
    readers: s.cards.slice(0, 2).map((c) => (c ? { citizen: c.citizen, faults: c.faults.filter(isFault) } : null)),
    camera: s.camera && isSubject(s.camera.subject) ? { subject: s.camera.subject, citizen: s.camera.citizen } : null,
    network: s.network === 'cut' ? 'cut' : 'restored',
    clockSkewMinutes: s.clockSkewMinutes,
    printer: s.printer,
    gate: s.gate,
    // A hospital has no gate and an airport no printer: their "missing" would only mislead.
    devices: Object.fromEntries(Object.entries(s.devices).filter(([k]) => k !== (kind === 'hospital' ? 'gate' : 'printer'))),
    outbox: { queued: s.queued, oldestAgeMs: s.status.sync.oldestUnsyncedAgeMs },
    checkins: s.checkins,
    inRegistry: s.registry,
    registry,
    decision: s.lastDecision
      ? { decision: s.lastDecision.decision, reasons: s.lastDecision.reasons.slice(0, 16), face: s.lastDecision.face }
      : null,
  };
}

const isFault = (f: string): f is ChipFault => ChipFault.safeParse(f).success;
const isSubject = (s: string): s is CameraSubject => CameraSubject.safeParse(s).success;

/** One line for the live views, or null for events the snapshot shows well enough. */
function tell(e: SiteEventLike): ConsoleEvent | null {
  const at = new Date().toISOString();
  const line = (kind: ConsoleEvent['kind'], text: string): ConsoleEvent => ({ kind, at, text: text.slice(0, 500) });
  switch (e.type) {
    case 'apdu':
      return line('apdu', `[${e.reader}] ${e.line}`);
    case 'view':
      return line('view', `${e.view.screen}${e.view.notice ? ` (${e.view.notice})` : ''}`);
    case 'devices':
      return line(
        'device',
        Object.entries(e.devices)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
      );
    case 'decision':
      return line(
        'decision',
        `${e.decision.decision}${e.decision.reasons.length ? ` (${e.decision.reasons.join(', ')})` : ''}, face ${e.decision.face}`,
      );
    case 'sync':
      if (e.answer)
        return line(
          'registry',
          `accepted ${e.answer.accepted}, duplicate ${e.answer.duplicate}, rejected ${e.answer.rejected} of ${e.answer.sent}; ${e.queued} queued`,
        );
      return line('registry', e.online ? `online, ${e.queued} queued` : `offline (${e.lastError ?? 'unreachable'}), ${e.queued} queued`);
    case 'ticket':
      return line('ticket', e.text.split('\n').filter(Boolean).slice(0, 3).join(' | '));
    case 'gate':
      return line('gate', e.opened ? 'opened' : 'closed');
    case 'action':
      return line('action', JSON.stringify(e.action));
    case 'problem':
      return line('problem', `${e.code}: ${e.message}`);
  }
}
