// The kiosk core as a plain Node process serving the renderer to a browser (development,
// technicians, tests). The Electron shell runs the same KioskCore in a utilityProcess.
import { KioskCore } from './kiosk-core.js';
import type { Logger } from './logger.js';
import { loadRendererAssets } from './renderer-assets.js';
import { startUiServer, type UiServer } from './ui-server.js';

export interface KioskServerOptions {
  simulator: boolean;
  port?: number;
  log: Logger;
  token?: string;
}

export interface KioskServer {
  core: KioskCore;
  ui: UiServer;
  close(): Promise<void>;
}

export async function startKioskServer(options: KioskServerOptions): Promise<KioskServer> {
  const core = new KioskCore({ simulator: options.simulator });
  const assets = await loadRendererAssets();
  const ui = await startUiServer({ core, log: options.log, assets, port: options.port ?? 0, ...(options.token ? { token: options.token } : {}) });
  return { core, ui, close: () => ui.close() };
}
