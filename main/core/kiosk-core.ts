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
} from '../api/contract.js';
import type { CameraLink } from './ui-camera.js';
import { appPackage } from './version.js';

export type DeviceName = keyof DeviceStatus;
/** Who sent a request: requests about "this page" (its camera) need to know. */
export interface Caller {
  camera: CameraLink | null;
}
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
  decision: null,
};

export class KioskCore {
  private language: Language;
  private readonly devices: DeviceStatus = { reader: 'missing', scanner: 'missing', camera: 'missing', registry: 'missing' };
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
    'devices.status': () => ({ ...this.devices }),
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

  attach(services: CoreServices): void {
    this.services = services;
  }

  setLanguage(language: Language): void {
    this.language = language;
  }

  handle<M extends Method>(method: M, params: ParamsOf<M>, caller: Caller = { camera: null }): Promise<ResultOf<M>> {
    const handler = this.handlers[method] as (p: ParamsOf<M>, c: Caller) => Promise<ResultOf<M>> | ResultOf<M>;
    return Promise.resolve().then(() => handler(params, caller));
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
