// The kiosk core as a plain Node process serving the renderer to a browser (development,
// technicians, tests). The Electron shell runs the same KioskCore in a utilityProcess.
import { KioskCore } from './kiosk-core.js';
import type { Logger } from './logger.js';
import { loadRendererAssets } from './renderer-assets.js';
import { startScannerService, type ScannerService } from './scanner-service.js';
import { startUiServer, type UiServer } from './ui-server.js';
import type { ScannerConfig } from '../../drivers/hid/config.js';
import type { KioskStore } from '../store/kiosk-store.js';
import type { KioskCredentials } from '../sync/registry-client.js';
import type { SyncEngine } from '../sync/sync-engine.js';
import { DEFAULT_RETENTION_DAYS, startRetention, startSyncService } from './sync-service.js';

export interface KioskServerOptions {
  simulator: boolean;
  port?: number;
  log: Logger;
  token?: string;
  /** Virtual scanner port in simulator mode (default 35970; 0 = any free port). */
  scannerPort?: number;
  scannerConfig?: ScannerConfig;
  /** The kiosk database, and the registry identity to sync it with (none: not enrolled). */
  store?: KioskStore;
  credentials?: KioskCredentials | null;
  retentionDays?: number;
}

export interface KioskServer {
  core: KioskCore;
  ui: UiServer;
  scanners: ScannerService | null;
  sync: SyncEngine | null;
  close(): Promise<void>;
}

export async function startKioskServer(options: KioskServerOptions): Promise<KioskServer> {
  const core = new KioskCore({ simulator: options.simulator });
  const assets = await loadRendererAssets();
  const ui = await startUiServer({ core, log: options.log, assets, port: options.port ?? 0, ...(options.token ? { token: options.token } : {}) });
  let scanners: ScannerService | null = null;
  try {
    scanners = await startScannerService({
      simulator: options.simulator,
      log: options.log,
      ...(options.scannerPort !== undefined ? { socketPort: options.scannerPort } : {}),
      ...(options.scannerConfig ? { config: options.scannerConfig } : {}),
      onStatus: (connected) => core.setDevice('scanner', connected ? 'connected' : 'missing'),
    });
    if (scanners.socketPort !== null) options.log.info({ port: scanners.socketPort }, 'waiting for the virtual scanner (kiosk sim scanner) on 127.0.0.1');
  } catch (err) {
    // The kiosk still serves check-ins by card alone; the status shows the scanner missing.
    options.log.error({ err: (err as Error).message }, 'no barcode scanner service');
  }
  let sync: SyncEngine | null = null;
  const stopRetention = options.store ? startRetention(options.store, options.retentionDays ?? DEFAULT_RETENTION_DAYS, options.log) : () => {};
  if (options.store && options.credentials) {
    sync = startSyncService(options.store, options.credentials, options.log, (online) => core.setDevice('registry', online ? 'connected' : 'missing'));
  } else if (options.store) {
    options.log.warn('this kiosk is not enrolled with a registry: check-ins are kept and queued (kiosk sync enrol --registry URL --code CODE)');
  }
  return {
    core,
    ui,
    scanners,
    sync,
    close: async () => {
      stopRetention();
      await sync?.stop();
      await scanners?.stop();
      await ui.close();
    },
  };
}
