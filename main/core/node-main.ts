// Entry point of the kiosk core as a plain Node process, for kiosks without Electron:
// `node dist/main/core/node-main.js [--simulator]` after `npm run build`. The same kiosk as
// `kiosk start` (built by kiosk.ts), configured from the environment (environment.ts), with
// the UI served on 127.0.0.1. Once serving it prints one JSON line on stdout,
// {"url","port","scannerPort"} (the address carries the start's token; scannerPort is the
// virtual scanner's in simulator mode, else null); logs go to stderr. SIGTERM or SIGINT stop
// it cleanly (exit 0); a configuration or start failure exits 1 with a one-line reason.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EnvironmentError, kioskEnvironment } from './environment.js';
import { startKiosk, type Kiosk } from './kiosk.js';
import { createLogger } from './logger.js';

function fail(why: string): never {
  process.stderr.write(`kiosk: ${why}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const unknown = args.find((a) => a !== '--simulator');
if (unknown !== undefined)
  fail(
    `unknown argument ${unknown} (usage: node-main.js [--simulator]; the rest is configured by KIOSK_* variables, see main/core/environment.ts)`,
  );

const log = createLogger('kiosk');
let kiosk: Kiosk;
try {
  const env = kioskEnvironment(args, process.env);
  mkdirSync(dirname(env.db), { recursive: true, mode: 0o700 });
  kiosk = await startKiosk({
    simulator: env.simulator,
    log,
    db: env.db,
    ...(env.siteKind ? { siteKind: env.siteKind } : {}),
    trustDir: env.trustDir,
    ui: { port: env.uiPort },
    scanner: { socketPort: env.scannerPort, ...(env.scannerConfig ? { config: env.scannerConfig } : {}) },
    printer: env.printer ?? false,
    gate: env.gate ?? false,
  });
} catch (err) {
  fail(err instanceof EnvironmentError ? err.message : `cannot start the kiosk: ${(err as Error).message}`);
}

const ui = kiosk.ui!;
process.stdout.write(`${JSON.stringify({ url: ui.url, port: ui.port, scannerPort: kiosk.scanners?.socketPort ?? null })}\n`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping the kiosk');
  kiosk.stop().then(
    () => process.exit(0),
    (err: unknown) => fail(`while stopping: ${(err as Error).message}`),
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
