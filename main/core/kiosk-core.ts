// The kiosk engine as the UI sees it: answers contract requests and pushes events.
// Transport-free: WebSocket and MessagePort connections are both served by rpc-server.ts.
// The check-in workflow and the status come from the composition root (kiosk.ts) through
// `attach`; a core without them (tests of the transports) answers with an idle view.
import type {
  AppInfo,
  CameraSettings,
  CameraWant,
  CheckinView,
  DeviceState,
  DeviceStatus,
  EventName,
  KioskStatus,
  Language,
  Method,
  ParamsOf,
  PayloadOf,
  ResultOf,
  StaffView,
} from '../api/contract.js';
import type { CameraLink } from './ui-camera.js';
import { appPackage } from './version.js';

export type DeviceName = keyof DeviceStatus;

/** A staff request from a connection whose staff session is not unlocked. */
export class StaffOnly extends Error {
  constructor() {
    super('staff mode is locked: unlock it with the PIN first');
    this.name = 'StaffOnly';
  }
}
/** Who sent a request: requests about "this page" (its camera) need to know. */
export interface Caller {
  camera: CameraLink | null;
  /** This connection's staff session: unlocked by the site's PIN, with its failed attempts. */
  staff: StaffSession;
}

export interface StaffSession {
  unlocked: boolean;
  failures: number;
  lockedUntil: number;
}

export const newStaffSession = (): StaffSession => ({ unlocked: false, failures: 0, lockedUntil: 0 });

/** After this many wrong PINs the session waits, doubling from STAFF_LOCK_MS. */
const STAFF_FREE_TRIES = 3;
const STAFF_LOCK_MS = 30_000;
type Handlers = { [M in Method]: (params: ParamsOf<M>, caller: Caller) => Promise<ResultOf<M>> | ResultOf<M> };
type EventListener = <E extends EventName>(name: E, payload: PayloadOf<E>) => void;

export interface KioskCoreOptions {
  simulator: boolean;
  language?: Language;
}

/** What the composition root gives the core to answer the check-in and status requests. */
export interface CoreServices {
  view(): CheckinView;
  status(): KioskStatus;
  enterCan(can: string): boolean;
  cancel(): void;
  /** Hospital visit steps; false when the step does not apply now. */
  continueVisit(feePaying: boolean): boolean;
  chooseClinic(clinic: string): boolean;
  confirm(): boolean;
  back(): void;
  /** Staff mode. `checkPin` is null when the site has no PIN configured (staff mode then stays shut). */
  checkPin(pin: string): Promise<boolean | null>;
  staffView(): StaffView;
  reprint(): Promise<{ printed: boolean; problem: string | null }>;
  setOutOfService(on: boolean): void;
}

/** The camera settings until the composition root gives the site's (tests of the transports). */
export const DEFAULT_CAMERA: CameraSettings = { deviceLabel: null, width: 640, height: 480, frameRate: 15 };

const IDLE: CheckinView = {
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

export class KioskCore {
  private language: Language;
  private readonly devices: DeviceStatus = {
    reader: 'missing',
    scanner: 'missing',
    camera: 'missing',
    printer: 'missing',
    gate: 'missing',
    registry: 'missing',
  };
  private readonly listeners = new Set<EventListener>();
  private services: CoreServices | null = null;
  /** The UI camera's hub, when this core takes frames from its pages (kiosk.ts). */
  private cameraHub: { attach(want: (w: CameraWant) => void): CameraLink } | null = null;
  private camera: () => CameraSettings = () => DEFAULT_CAMERA;

  constructor(private readonly options: KioskCoreOptions) {
    this.language = options.language ?? 'vi';
  }

  readonly handlers: Handlers = {
    'app.info': (): AppInfo => ({
      name: appPackage.name,
      version: appPackage.version,
      simulator: this.options.simulator,
      language: this.language,
    }),
    'devices.status': () => this.deviceStatus(),
    'settings.setLanguage': ({ language }) => {
      this.language = language;
      return { language };
    },
    'kiosk.status': () => {
      if (!this.services) throw new Error('the kiosk engine is not running');
      return this.services.status();
    },
    'checkin.view': () => this.services?.view() ?? IDLE,
    'checkin.enterCan': ({ can }) => ({ accepted: this.services?.enterCan(can) ?? false }),
    'checkin.cancel': () => {
      this.services?.cancel();
      return {};
    },
    'checkin.continue': ({ feePaying }) => ({ accepted: this.services?.continueVisit(feePaying) ?? false }),
    'checkin.chooseClinic': ({ clinic }) => ({ accepted: this.services?.chooseClinic(clinic) ?? false }),
    'checkin.confirm': () => ({ accepted: this.services?.confirm() ?? false }),
    'checkin.back': () => {
      this.services?.back();
      return {};
    },
    'staff.unlock': async ({ pin }, caller) => {
      const s = caller.staff;
      const now = Date.now();
      if (now < s.lockedUntil) return { unlocked: false, retryAfterMs: s.lockedUntil - now };
      const ok = (await this.services?.checkPin(pin)) ?? null;
      if (ok) {
        s.unlocked = true;
        s.failures = 0;
        return { unlocked: true, retryAfterMs: null };
      }
      s.unlocked = false;
      s.failures++;
      // Guessing is slowed: after a few tries each wrong PIN doubles the wait.
      if (s.failures >= STAFF_FREE_TRIES) s.lockedUntil = now + STAFF_LOCK_MS * 2 ** Math.min(6, s.failures - STAFF_FREE_TRIES);
      return { unlocked: false, retryAfterMs: s.lockedUntil > now ? s.lockedUntil - now : null };
    },
    'staff.lock': (_p, caller) => {
      caller.staff.unlocked = false;
      return {};
    },
    'staff.view': (_p, caller) => {
      this.mustBeStaff(caller);
      if (!this.services) throw new Error('the kiosk engine is not running');
      return this.services.staffView();
    },
    'staff.reprint': (_p, caller) => {
      this.mustBeStaff(caller);
      return this.services?.reprint() ?? { printed: false, problem: 'the kiosk engine is not running' };
    },
    'staff.outOfService': ({ on }, caller) => {
      this.mustBeStaff(caller);
      this.services?.setOutOfService(on);
      return { on };
    },
    'camera.settings': () => this.camera(),
    'camera.report': (report, caller) => {
      caller.camera?.report(report);
      return {};
    },
  };

  /** Frames come from the pages' cameras through `hub`; `settings` says how to open them. */
  useCamera(hub: { attach(want: (w: CameraWant) => void): CameraLink }, settings: () => CameraSettings): void {
    this.cameraHub = hub;
    this.camera = settings;
  }

  /** A page connected: its camera link (null when this core takes no frames), to be closed with the connection. */
  connectCamera(want: (w: CameraWant) => void): CameraLink | null {
    return this.cameraHub?.attach(want) ?? null;
  }

  private mustBeStaff(caller: Caller): void {
    if (!caller.staff.unlocked) throw new StaffOnly();
  }

  attach(services: CoreServices): void {
    this.services = services;
  }

  setLanguage(language: Language): void {
    this.language = language;
  }

  handle<M extends Method>(
    method: M,
    params: ParamsOf<M>,
    caller: Caller = { camera: null, staff: newStaffSession() },
  ): Promise<ResultOf<M>> {
    const handler = this.handlers[method] as (p: ParamsOf<M>, c: Caller) => Promise<ResultOf<M>> | ResultOf<M>;
    return Promise.resolve().then(() => handler(params, caller));
  }

  /** A copy of the devices' states as the UI and staff see them. */
  deviceStatus(): DeviceStatus {
    return { ...this.devices };
  }

  setDevice(name: DeviceName, state: DeviceState): void {
    if (this.devices[name] === state) return;
    this.devices[name] = state;
    this.emit('devices.changed', { ...this.devices });
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventName>(name: E, payload: PayloadOf<E>): void {
    for (const l of this.listeners) l(name, payload);
  }
}
