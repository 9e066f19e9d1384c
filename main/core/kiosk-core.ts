// The kiosk engine as the UI sees it: answers contract requests and pushes events.
// Transport-free: WebSocket and MessagePort connections are both served by rpc-server.ts.
// The check-in workflow and the status come from the composition root (kiosk.ts) through
// `attach`; a core without them (tests of the transports) answers with an idle view.
import type {
  AppInfo,
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
import { appPackage } from './version.js';

export type DeviceName = keyof DeviceStatus;
type Handlers = { [M in Method]: (params: ParamsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };
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
  };

  attach(services: CoreServices): void {
    this.services = services;
  }

  setLanguage(language: Language): void {
    this.language = language;
  }

  handle<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const handler = this.handlers[method] as (p: ParamsOf<M>) => Promise<ResultOf<M>> | ResultOf<M>;
    return Promise.resolve().then(() => handler(params));
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
