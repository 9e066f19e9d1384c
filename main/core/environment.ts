// A kiosk configured by its environment, for the entries that have no command line of their
// own: the Electron core (utility-main.ts) and the plain-Node core (node-main.ts).
//
//   --simulator or KIOSK_SIMULATOR=1   simulator mode (virtual readers and scanner allowed)
//   KIOSK_DB        the kiosk database (default: data-paths.ts)
//   KIOSK_SITE      simulator mode: hospital (default) or airport
//   KIOSK_TRUST     a folder of CSCA certificates and CRLs trusted beside the registry's
//   KIOSK_UI_PORT   loopback port of the UI server (0, the default: a free one)
//   KIOSK_SCANNER_PORT  simulator mode: the virtual scanner's loopback port (default 35970; 0: a free one)
//   KIOSK_SCANNERS  a scanner configuration file (JSON, docs/BARCODE.md)
//   KIOSK_PRINTER   the ticket printer's configuration (JSON, docs/PRINTER.md)
//   KIOSK_GATE      the boarding gate's configuration (JSON, docs/GATE.md)
import { SCANNER_SOCKET_DEFAULT_PORT } from '../../drivers/hid/socket-transport.js';
import type { ScannerConfig } from '../../drivers/hid/config.js';
import type { SiteKind } from '../protocol/datasets.js';
import { KIOSK_DB, SIM_KIOSK_DB } from './data-paths.js';
import { loadScannerConfig } from './scanner-service.js';
import { parsePrinterConfig, type PrinterConfig } from '../../drivers/printer/config.js';
import { parseGateConfig, type GateConfig } from '../../drivers/gate/config.js';

export interface KioskEnvironment {
  simulator: boolean;
  db: string;
  siteKind: SiteKind | null;
  trustDir: string | null;
  uiPort: number;
  scannerPort: number;
  scannerConfig: ScannerConfig | null;
  /** KIOSK_PRINTER: the ticket printer's configuration as JSON (docs/PRINTER.md), or null for none. */
  printer: PrinterConfig | null;
  /** KIOSK_GATE: the boarding gate's configuration as JSON (docs/GATE.md), or null for none. */
  gate: GateConfig | null;
}

export class EnvironmentError extends Error {}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw new EnvironmentError(`${name} must be a port number (0 to 65535), not "${text}"`);
  return n;
}

/** A device's configuration given as JSON in `name`, parsed; null when unset. */
function jsonDevice<T>(env: NodeJS.ProcessEnv, name: string, parse: (json: unknown) => T): T | null {
  const text = env[name];
  if (!text) return null;
  try {
    return parse(JSON.parse(text));
  } catch (err) {
    throw new EnvironmentError(`${name}: ${(err as Error).message}`);
  }
}

/** Reads the configuration; throws an EnvironmentError naming the first bad value. */
export function kioskEnvironment(argv: readonly string[], env: NodeJS.ProcessEnv): KioskEnvironment {
  const simulator = argv.includes('--simulator') || env['KIOSK_SIMULATOR'] === '1';
  const site = env['KIOSK_SITE'] || undefined;
  if (site !== undefined && site !== 'hospital' && site !== 'airport')
    throw new EnvironmentError(`KIOSK_SITE must be hospital or airport, not "${site}"`);
  let scannerConfig: ScannerConfig | null = null;
  if (env['KIOSK_SCANNERS']) {
    try {
      scannerConfig = loadScannerConfig(env['KIOSK_SCANNERS']);
    } catch (err) {
      throw new EnvironmentError((err as Error).message);
    }
  }
  return {
    printer: jsonDevice(env, 'KIOSK_PRINTER', parsePrinterConfig),
    gate: jsonDevice(env, 'KIOSK_GATE', parseGateConfig),
    simulator,
    db: env['KIOSK_DB'] || (simulator ? SIM_KIOSK_DB : KIOSK_DB),
    // Outside simulator mode the site runs the workflow its published configuration names.
    siteKind: simulator ? (site ?? null) : null,
    trustDir: env['KIOSK_TRUST'] || null,
    uiPort: port(env, 'KIOSK_UI_PORT', 0),
    scannerPort: port(env, 'KIOSK_SCANNER_PORT', SCANNER_SOCKET_DEFAULT_PORT),
    scannerConfig,
  };
}
