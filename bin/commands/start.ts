import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startKioskServer } from '../../main/core/kiosk-server.js';
import { createLogger } from '../../main/core/logger.js';
import { SCANNER_SOCKET_DEFAULT_PORT } from '../../drivers/hid/socket-transport.js';
import { loadScannerConfig } from '../../main/core/scanner-service.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { loadCredentials } from '../../main/sync/credentials.js';
import { enrolWithEmbedded, startEmbeddedRegistry, type EmbeddedRegistry } from '../embedded-registry.js';
import { ensureDirFor, KIOSK_DB, SIM_KIOSK_DB, SIM_REGISTRY_DATA } from '../paths.js';
import { CliError, intOption, printJson, stringOption, type Command } from '../command.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

/** The Electron binary's path when it was downloaded, else null (the usual case here). */
function electronBinary(): string | null {
  try {
    // In Node, the electron package is only its binary's path (no Electron API): start runs it.
    // eslint-disable-next-line rooms/imports -- bin may not use Electron's API; this is not it
    const p = createRequire(import.meta.url)('electron') as unknown;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function openChromiumApp(url: string): () => void {
  const profile = mkdtempSync(join(tmpdir(), 'kiosk-chromium-'));
  const args = [`--app=${url}`, `--user-data-dir=${profile}`, '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  const child = spawn(CHROMIUM, args, { stdio: 'ignore' });
  child.on('error', () => undefined);
  return () => {
    child.kill();
    rmSync(profile, { recursive: true, force: true });
  };
}

export const start: Command = {
  name: 'start',
  summary: 'run the kiosk (Electron window if installed, else serve the UI on loopback)',
  help: `
Usage: kiosk start [--simulator] [--port N] [--browser] [--no-open] [--json]
                   [--scanner-port N] [--scanners FILE] [--db FILE] [--no-registry]
                   [--retention-days N]

  --simulator   simulator mode (npm start sets it): virtual reader, scanner and camera allowed
  --port N      loopback port for the UI (default: a free one)
  --browser     serve to a browser even when an Electron binary is installed
  --no-open     do not open Chromium, only print the address
  --json        print {"url","port","simulator"} as one JSON value once serving
  --scanner-port N  simulator mode: loopback port the virtual scanner plugs into
                (default 35970; 0 = any free port)
  --scanners FILE   which HID devices are scanners and how to read them (JSON, see
                docs/BARCODE.md); default: any HID POS scanner (usage page 0x8C)
  --db FILE     the kiosk database (default ${KIOSK_DB}; simulator ${SIM_KIOSK_DB})
  --no-registry simulator mode: do not start the embedded registry
  --retention-days N  keep personal fields of check-ins the registry acknowledged this
                long (default 30); the decision record stays

In simulator mode an embedded registry (PGlite, data in ${SIM_REGISTRY_DATA}) runs on
loopback and the kiosk enrols with it on first start; its fleet page address is printed.
Otherwise the kiosk syncs with the registry it was enrolled with (kiosk sync enrol).

Without an Electron binary (as on machines that cannot download it) the core runs as a
plain Node process and serves the kiosk UI on 127.0.0.1; the address printed carries a
one-time token. With a display and Debian's chromium, it opens the UI in app mode.`,
  options: {
    port: { type: 'string' },
    browser: { type: 'boolean' },
    'no-open': { type: 'boolean' },
    'scanner-port': { type: 'string' },
    scanners: { type: 'string' },
    db: { type: 'string' },
    'no-registry': { type: 'boolean' },
    'retention-days': { type: 'string' },
  },
  async run(ctx) {
    const electron = ctx.values['browser'] ? null : electronBinary();
    if (electron) {
      const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
      if (build.status !== 0) throw new CliError('building the Electron app failed (see above)');
      const env = { ...process.env, ...(ctx.simulator ? { KIOSK_SIMULATOR: '1' } : {}) };
      const child = spawn(electron, [join(root, 'dist/main/shell/app.js')], { stdio: 'inherit', env });
      return await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
    }
    const log = createLogger('kiosk');
    const port = intOption(ctx, 'port', 0, 0, 65535);
    const scannerPort = intOption(ctx, 'scanner-port', SCANNER_SOCKET_DEFAULT_PORT, 0, 65535);
    const scannersFile = stringOption(ctx, 'scanners');
    let scannerConfig;
    try {
      scannerConfig = scannersFile ? loadScannerConfig(scannersFile) : undefined;
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    const dbPath = stringOption(ctx, 'db') ?? (ctx.simulator ? SIM_KIOSK_DB : KIOSK_DB);
    ensureDirFor(dbPath);
    let store: KioskStore;
    try {
      store = new KioskStore(dbPath);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
    let registry: EmbeddedRegistry | null = null;
    let credentials = loadCredentials(store);
    if (ctx.simulator && !ctx.values['no-registry']) {
      process.stderr.write(`Starting the embedded registry (PGlite, ${SIM_REGISTRY_DATA})…\n`);
      try {
        registry = await startEmbeddedRegistry(SIM_REGISTRY_DATA, log);
        credentials = await enrolWithEmbedded(store, registry, 'simulator', 'simulator kiosk');
      } catch (err) {
        throw new CliError(`cannot start the embedded registry: ${(err as Error).message}`);
      }
    }
    const server = await startKioskServer({ simulator: ctx.simulator, port, log, scannerPort, ...(scannerConfig ? { scannerConfig } : {}), store, credentials, retentionDays: intOption(ctx, 'retention-days', 30, 1, 3650) });
    if (ctx.json) printJson({ url: server.ui.url, port: server.ui.port, simulator: ctx.simulator, registry: registry?.server.url ?? credentials?.registryUrl ?? null });
    else process.stdout.write(`Kiosk UI: ${server.ui.url}\n${registry ? `Registry (embedded): ${registry.server.url}, fleet page ${registry.server.url}/fleet\n` : ''}(open it in Chromium; Ctrl+C stops the kiosk)\n`);
    let closeBrowser: (() => void) | null = null;
    if (!ctx.values['no-open'] && process.env['DISPLAY'] && existsSync(CHROMIUM)) closeBrowser = openChromiumApp(server.ui.url);
    else if (!ctx.json) process.stderr.write('No Electron binary and no display: open the address above in a browser on this machine.\n');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    closeBrowser?.();
    await server.close();
    store.close();
    await registry?.close();
    return 0;
  },
};
