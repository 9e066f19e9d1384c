// Entry point when the Electron shell runs the core as a utilityProcess: the same kiosk as
// `kiosk start` (built by kiosk.ts), without the loopback UI server — the shell sends a
// MessagePort per UI page, served with the same contract checks as the WebSocket bridge.
// `kiosk start` prepares the simulator's devices and registry before it starts Electron and
// passes their whereabouts in the environment (KIOSK_DB, KIOSK_SITE, PCSCLITE_CSOCK_NAME).
import { KIOSK_DB, SIM_KIOSK_DB } from './data-paths.js';
import { startKiosk } from './kiosk.js';
import { createLogger } from './logger.js';
import { serveConnection } from './rpc-server.js';

interface PortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  postMessage(message: unknown): void;
  start(): void;
}
interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown; ports: PortLike[] }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPortLike }).parentPort;
if (!parentPort) {
  process.stderr.write('kiosk core: utility-main must be started by the Electron shell; use `kiosk start` instead\n');
  process.exit(1);
}

const log = createLogger('kiosk-core');
const simulator = process.argv.includes('--simulator');
const site = process.env['KIOSK_SITE'];
const kiosk = await startKiosk({
  simulator,
  log,
  db: process.env['KIOSK_DB'] ?? (simulator ? SIM_KIOSK_DB : KIOSK_DB),
  ...(simulator && (site === 'hospital' || site === 'airport') ? { siteKind: site } : {}),
  trustDir: process.env['KIOSK_TRUST'] ?? null,
  ui: false,
});

parentPort.on('message', (e) => {
  const port = e.ports[0];
  if (!port || (e.data as { type?: unknown } | null)?.type !== 'ui-port') {
    log.warn('ignored a message from the shell that carried no UI port');
    return;
  }
  serveConnection(kiosk.core, {
    send: (text) => port.postMessage(text),
    onMessage: (listener) => port.on('message', (m) => listener(m.data)),
    onClose: (listener) => port.on('close', listener),
  }, log);
  port.start();
  log.info('UI connected over MessagePort');
});

process.once('SIGTERM', () => void kiosk.stop().then(() => process.exit(0)));
