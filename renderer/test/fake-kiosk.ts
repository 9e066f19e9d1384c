// A stand-in for the core, for tests only: `window.kiosk` installed before the page's own
// script runs (main.ts takes an existing one, as it does the Electron preload's), answering
// with canned data and showing whatever CheckinView the test gives it. Every screen can be
// looked at, screenshot and checked without a card, a camera or the hospital workflow.
import type { Page } from 'playwright-core';
import type { CheckinView, ClinicView, DecisionView, KioskStatus, Language, StaffView } from '../../main/api/contract.js';

export interface FakeOptions {
  language: Language;
  view: CheckinView;
  /** The staff PIN the fake accepts; any other is refused with a short wait. */
  pin?: string;
}

interface FakeWindow {
  fakeKiosk: { show(view: CheckinView): void; requests: { method: string; params: unknown }[] };
}

const status: KioskStatus = {
  site: { id: 'bv-test', kind: 'hospital', name: 'Bệnh viện thử nghiệm' },
  sync: { enrolled: true, online: true, queued: 2, oldestUnsyncedAgeMs: 60_000, lastError: null },
  datasets: {
    trust: { source: 'registry', version: 3, ageMs: 3_600_000, problem: null },
    'site-config': { source: 'registry', version: 5, ageMs: 3_600_000, problem: null },
    roster: { source: 'registry', version: 9, ageMs: 1_800_000, problem: null },
  },
  chain: { ok: true, checked: 42, problem: null },
};

const staffView: StaffView = {
  devices: { reader: 'connected', scanner: 'connected', camera: 'connected', printer: 'paper-out', registry: 'connected' },
  printer: { state: 'paper-out', detail: 'paper end sensor' },
  status,
  outOfService: false,
  rosterAgeMs: 1_800_000,
  recent: [
    { at: '08:14', decision: 'admitted', reasons: [], ticket: 'A012', clinic: 'noi' },
    { at: '08:11', decision: 'referred', reasons: ['face-mismatch'], ticket: null, clinic: null },
    { at: '08:05', decision: 'refused', reasons: ['card-expired'], ticket: null, clinic: null },
  ],
  lastTicket: 'A012',
};

/** Runs in the page before its scripts: self-contained (it is sent as source). */
function installFake(o: { language: Language; view: CheckinView; pin: string; status: KioskStatus; staff: StaffView }): void {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const emit = (name: string, payload: unknown) => listeners.get(name)?.forEach((l) => l(payload));
  let view = o.view;
  let staff = o.staff;
  const requests: { method: string; params: unknown }[] = [];
  const answers: Record<string, (p: Record<string, unknown>) => unknown> = {
    'app.info': () => ({ name: 'cccd-kiosk', version: '0.1.0', simulator: true, language: o.language }),
    'devices.status': () => ({ reader: 'connected', scanner: 'connected', camera: 'missing', printer: 'connected', registry: 'connected' }),
    'settings.setLanguage': (p) => ({ language: p['language'] }),
    'kiosk.status': () => o.status,
    'checkin.view': () => view,
    'checkin.enterCan': () => ({ accepted: true }),
    'checkin.cancel': () => ({}),
    'checkin.continue': () => ({ accepted: true }),
    'checkin.chooseClinic': () => ({ accepted: true }),
    'checkin.confirm': () => ({ accepted: true }),
    'checkin.back': () => ({}),
    'staff.unlock': (p) => (p['pin'] === o.pin ? { unlocked: true, retryAfterMs: null } : { unlocked: false, retryAfterMs: 1500 }),
    'staff.lock': () => ({}),
    'staff.view': () => staff,
    'staff.reprint': () => ({ printed: false, problem: 'paper-out' }),
    'staff.outOfService': (p) => {
      staff = { ...staff, outOfService: p['on'] === true };
      return { on: staff.outOfService };
    },
    'camera.settings': () => ({ deviceLabel: null, width: 640, height: 480, frameRate: 15 }),
    'camera.report': () => ({}),
  };
  const kiosk = {
    request(method: string, params: Record<string, unknown>) {
      requests.push({ method, params });
      const answer = answers[method];
      return answer ? Promise.resolve(answer(params)) : Promise.reject(new Error(`fake kiosk: no ${method}`));
    },
    on(name: string, listener: (p: unknown) => void) {
      if (!listeners.has(name)) listeners.set(name, new Set());
      listeners.get(name)!.add(listener);
      return () => listeners.get(name)!.delete(listener);
    },
    sendFrame() {},
  };
  Object.defineProperty(window, 'kiosk', { value: kiosk, writable: false });
  (window as unknown as FakeWindow).fakeKiosk = {
    show(next: CheckinView) {
      view = next;
      emit('checkin.changed', next);
    },
    requests,
  };
}

export async function installFakeKiosk(page: Page, o: FakeOptions): Promise<void> {
  await page.addInitScript(installFake, { language: o.language, view: o.view, pin: o.pin ?? '2468', status, staff: staffView });
}

export async function showView(page: Page, view: CheckinView): Promise<void> {
  await page.evaluate((v) => (window as unknown as FakeWindow).fakeKiosk.show(v), view);
}

export function requestsSent(page: Page): Promise<{ method: string; params: unknown }[]> {
  return page.evaluate(() => (window as unknown as FakeWindow).fakeKiosk.requests.slice());
}

// Canned views, one (or more) per screen.
const clinics: ClinicView[] = [
  { id: 'noi', name: { vi: 'Nội tổng quát', en: 'General medicine' }, room: '101' },
  { id: 'nhi', name: { vi: 'Nhi', en: 'Paediatrics' }, room: '204' },
  { id: 'tmh', name: { vi: 'Tai mũi họng', en: 'Ear, nose and throat' }, room: '305' },
  { id: 'mat', name: { vi: 'Mắt' }, room: '306' },
];
const person = { fullName: 'Nguyễn Văn An' };
const covered = { status: 'covered' as const, level: 80, validUntil: '2026-12-31', facility: 'Trạm y tế phường Bến Nghé' };
const visit = { insurance: covered, rosterStale: false, appointment: null, clinics: [], clinic: null, feePaying: false };
const base: CheckinView = {
  workflow: 'hospital',
  screen: 'idle',
  notice: null,
  progress: null,
  guidance: null,
  hasPass: false,
  person: null,
  visit: null,
  decision: null,
  countdownMs: null,
};
const matched: DecisionView['face'] = { status: 'matched', score: 0.71 };

/** Every screen, named as the screenshots are (screen, or screen-variant). */
export const sampleViews: Record<string, CheckinView> = {
  idle: base,
  'need-access': { ...base, screen: 'need-access', notice: 'access-denied' },
  'waiting-card': { ...base, screen: 'waiting-card' },
  'waiting-pass': { ...base, workflow: 'airport', screen: 'waiting-pass' },
  reading: { ...base, screen: 'reading', progress: { read: 3, total: 7 } },
  face: { ...base, screen: 'face', guidance: 'face-too-small', notice: 'face-try-again', person },
  'insurance-lookup': { ...base, screen: 'insurance', person, visit: { ...visit, insurance: null } },
  'insurance-covered': { ...base, screen: 'insurance', person, visit },
  'insurance-expired': {
    ...base,
    screen: 'insurance',
    person,
    notice: 'fee-paying-confirm',
    visit: { ...visit, rosterStale: true, insurance: { ...covered, status: 'expired', validUntil: '2024-06-30' } },
  },
  clinic: { ...base, screen: 'clinic', person, visit: { ...visit, clinics } },
  'confirm-booked': {
    ...base,
    screen: 'confirm',
    person,
    visit: { ...visit, appointment: { time: '09:30', clinic: clinics[1]! }, clinic: clinics[1]! },
  },
  'confirm-chosen': { ...base, screen: 'confirm', person, visit: { ...visit, clinic: clinics[0]!, feePaying: true } },
  deciding: { ...base, screen: 'deciding', person },
  'result-ticket': {
    ...base,
    screen: 'result',
    person,
    countdownMs: 20_000,
    decision: {
      decision: 'admitted',
      reasons: [],
      face: matched,
      payment: 'insurance',
      ticket: { number: 'A012', clinic: clinics[0]!, waitMinutes: 25, printed: 'printed' },
    },
  },
  'result-ticket-unprinted': {
    ...base,
    screen: 'result',
    person,
    countdownMs: 20_000,
    decision: {
      decision: 'admitted',
      reasons: [],
      face: matched,
      payment: 'fee-paying',
      ticket: { number: 'B104', clinic: clinics[3]!, waitMinutes: 0, printed: 'failed' },
    },
  },
  'result-admitted': {
    ...base,
    screen: 'result',
    person,
    countdownMs: 10_000,
    decision: { decision: 'admitted', reasons: [], face: matched },
  },
  'result-refused': {
    ...base,
    screen: 'result',
    countdownMs: 10_000,
    decision: { decision: 'refused', reasons: ['card-expired', 'chip-not-genuine'], face: { status: 'not-checked', score: null } },
  },
  'result-referred': {
    ...base,
    screen: 'result',
    person,
    countdownMs: 10_000,
    decision: { decision: 'referred', reasons: ['face-mismatch'], face: { status: 'not-matched', score: 0.12 } },
  },
  'out-of-service': { ...base, screen: 'out-of-service' },
  ...airportViews(),
};

/** The airport's passage: pass and card in either order, the gate, and each refusal with its advice. */
function airportViews(): Record<string, CheckinView> {
  const airport: CheckinView = { ...base, workflow: 'airport' };
  const flight = { id: 'VN245', seat: '12A', gate: '5', departure: '10:40' };
  const result = (decision: DecisionView, o: Partial<CheckinView> = {}): CheckinView => ({
    ...airport,
    screen: 'result',
    person,
    hasPass: true,
    countdownMs: 10_000,
    decision,
    ...o,
  });
  const refused = (reasons: string[], f: DecisionView['flight'] = flight): CheckinView =>
    result({ decision: 'refused', reasons, face: matched, flight: f });
  return {
    'airport-idle': airport,
    'airport-waiting-card': { ...airport, screen: 'waiting-card', hasPass: true },
    'airport-waiting-pass': { ...airport, screen: 'waiting-pass', notice: 'scan-invalid' },
    'airport-reading': { ...airport, screen: 'reading', hasPass: true, progress: { read: 5, total: 7 } },
    'airport-face': { ...airport, screen: 'face', hasPass: true, person, guidance: 'head-turned' },
    'airport-gate-open': result({ decision: 'admitted', reasons: [], face: matched, flight, gate: 'open' }, { countdownMs: 8_000 }),
    'airport-gate-fault': result({ decision: 'admitted', reasons: [], face: matched, flight, gate: 'fault' }),
    'airport-name-mismatch': refused(['name-mismatch']),
    'airport-another-day': refused(['pass-not-for-today', 'flight-not-found'], { ...flight, gate: null, departure: null }),
    'airport-wrong-airport': refused(['wrong-airport', 'flight-not-found'], { ...flight, gate: null, departure: null }),
    'airport-wrong-gate': refused(['wrong-gate'], { ...flight, id: 'VN1187', gate: '12' }),
    'airport-flight-closed': refused(['flight-closed']),
    'airport-flight-not-boarding': refused(['flight-not-boarding']),
    'airport-flight-cancelled': refused(['flight-cancelled']),
    'airport-flight-not-found': refused(['flight-not-found'], { ...flight, gate: null, departure: null }),
    'airport-already-boarded': refused(['already-boarded']),
    'airport-no-pass': result({ decision: 'refused', reasons: ['no-boarding-pass'], face: matched }, { hasPass: false }),
    'airport-face-mismatch': result({
      decision: 'referred',
      reasons: ['face-mismatch'],
      face: { status: 'not-matched', score: 0.08 },
      flight,
    }),
    'airport-card-expired': refused(['card-expired'], null),
    'airport-not-genuine': result(
      { decision: 'refused', reasons: ['chip-not-genuine', 'chip-cloned'], face: { status: 'not-checked', score: null } },
      { person: null },
    ),
  };
}

/** A selector that matches only once this view is on the page (two results differ in their data attributes). */
export function viewSelector(view: CheckinView): string {
  const d = view.decision;
  if (view.screen !== 'result' || !d) return `[data-screen="${view.screen}"]`;
  const flight = d.flight ? `[data-flight="${d.flight.id}"]` : ':not([data-flight])';
  const gate = d.gate ? `[data-gate="${d.gate}"]` : '';
  const ticket = d.ticket ? `[data-ticket="${d.ticket.number}"]` : ':not([data-ticket])';
  return `[data-screen="result"][data-outcome="${d.decision}"][data-reason="${d.reasons.join(' ')}"]${flight}${gate}${ticket}`;
}
