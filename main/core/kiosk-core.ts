// The kiosk engine as the UI sees it: answers contract requests and pushes events.
// Transport-free: WebSocket and MessagePort connections are both served by rpc-server.ts.
import type { AppInfo, DeviceState, DeviceStatus, EventName, Language, Method, ParamsOf, PayloadOf, ResultOf } from '../api/contract.js';
import { appPackage } from './version.js';

export type DeviceName = keyof DeviceStatus;
type Handlers = { [M in Method]: (params: ParamsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };
type EventListener = <E extends EventName>(name: E, payload: PayloadOf<E>) => void;

export interface KioskCoreOptions {
  simulator: boolean;
  language?: Language;
}

export class KioskCore {
  private language: Language;
  private readonly devices: DeviceStatus = { reader: 'missing', scanner: 'missing', camera: 'missing', registry: 'missing' };
  private readonly listeners = new Set<EventListener>();

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
  };

  handle<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
    const handler = this.handlers[method] as (p: ParamsOf<M>) => Promise<ResultOf<M>> | ResultOf<M>;
    return Promise.resolve(handler(params));
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

  private emit<E extends EventName>(name: E, payload: PayloadOf<E>): void {
    for (const l of this.listeners) l(name, payload);
  }
}
