// Entry point when the Electron shell runs the core as a utilityProcess: the same kiosk as
// `kiosk start` (built by kiosk.ts), without the loopback UI server — the shell sends a
// MessagePort per UI page, served with the same contract checks as the WebSocket bridge.
// `kiosk start` prepares the simulator's devices and registry before it starts Electron and
// passes their whereabouts in the environment (KIOSK_DB, KIOSK_SITE, PCSCLITE_CSOCK_NAME;
// the variables are read by environment.ts).
import { EnvironmentError, kioskEnvironment, type KioskEnvironment } from './environment.js';
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
let env: KioskEnvironment;
try {
  env = kioskEnvironment(process.argv.slice(2), process.env);
} catch (err) {
  if (!(err instanceof EnvironmentError)) throw err;
  process.stderr.write(`kiosk core: ${err.message}\n`);
  process.exit(1);
}
const kiosk = await startKiosk({
  simulator: env.simulator,
  log,
  db: env.db,
  ...(env.siteKind ? { siteKind: env.siteKind } : {}),
  trustDir: env.trustDir,
  ui: false,
  scanner: { socketPort: env.scannerPort, ...(env.scannerConfig ? { config: env.scannerConfig } : {}) },
  printer: env.printer ?? false,
  gate: env.gate ?? false,
});

parentPort.on('message', (e) => {
  const port = e.ports[0];
  if (!port || (e.data as { type?: unknown } | null)?.type !== 'ui-port') {
    log.warn('ignored a message from the shell that carried no UI port');
    return;
  }
  serveConnection(
    kiosk.core,
    {
      send: (text) => port.postMessage(text),
      onMessage: (listener) => port.on('message', (m) => listener(m.data)),
      onClose: (listener) => port.on('close', listener),
    },
    log,
  );
  port.start();
  log.info('UI connected over MessagePort');
});

process.once('SIGTERM', () => void kiosk.stop().then(() => process.exit(0)));
