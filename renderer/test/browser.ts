// Shared e2e plumbing: the real `kiosk start` process and Debian's Chromium via playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Where e2e screenshots go (named in the README). */
export const ARTIFACTS = join(repoRoot, 'artifacts', 'e2e');

/** Chromium for the e2e tests; `camera` is a Y4M clip its fake capture device plays (kiosk sim camera, or kiosk start's cameraClip). */
export async function launchChromium(o: { camera?: string } = {}): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: run \`npm run setup\` as root (it installs the Debian package "chromium")`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // As the kiosk's own Chromium window is started (bin/chromium-app.ts): the page gets the camera without a prompt.
      '--auto-accept-camera-and-microphone-capture',
      ...(o.camera ? ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${o.camera}`] : []),
    ],
  });
  return {
    browser,
    // playwright-core gives the browser a fresh temporary profile and removes it on close.
    close: () => browser.close(),
  };
}

export interface KioskProcess {
  url: string;
  /** The embedded registry's address. */
  registry: string | null;
  /** Where `kiosk sim chip --port` puts a card, and where `kiosk sim scanner --port` scans. */
  vpcdPort: number;
  /** Its data folder (KIOSK_DATA_DIR): the kiosk database and the embedded registry's. */
  dataDir: string;
  /** The virtual camera's clip (with --camera virtual), for launchChromium. */
  cameraClip: string | null;
  scannerPort: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `kiosk start --simulator --json --no-open` and waits for its address. */
export async function startKioskProcess(
  o: { site?: 'hospital' | 'airport'; args?: string[] } = {},
  timeoutMs = 30_000,
): Promise<KioskProcess> {
  // Its own data folder (kiosk database, embedded registry), any free scanner port, and its
  // own pcscd with its virtual readers on a free pair of ports.
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'));
  const vpcdPort = await freePortPair();
  const child = spawn(
    join(repoRoot, 'bin/kiosk'),
    [
      'start',
      '--simulator',
      '--browser',
      '--no-open',
      '--json',
      '--scanner-port',
      '0',
      '--vpcd-port',
      String(vpcdPort),
      '--site',
      o.site ?? 'hospital',
      ...(o.args ?? []),
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KIOSK_DATA_DIR: dataDir },
    },
  );
  child.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kiosk start gave no address within ${timeoutMs} ms; stderr: ${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        const {
          url,
          registry,
          vpcdPort: vp,
          scannerPort,
          cameraClip,
        } = JSON.parse(out) as { url: string; registry: string | null; vpcdPort: number; scannerPort: number; cameraClip: string | null };
        clearTimeout(timer);
        resolve({
          url,
          registry,
          vpcdPort: vp,
          scannerPort,
          cameraClip,
          dataDir,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      } catch {
        // not a whole JSON value yet
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kiosk start exited with ${code}: ${err}`));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}

/** Two free neighbouring ports for a private pcscd's two virtual readers. */
async function freePortPair(): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const p = 40000 + Math.floor(Math.random() * 10000) * 2;
    if ((await portFree(p)) && (await portFree(p + 1))) return p;
  }
  throw new Error('no free pair of TCP ports found');
}

/** Runs a `kiosk` subcommand (the simulator's chip or scanner, as a technician would) until stopped. */
export function kioskCommand(args: string[]): { child: ChildProcess; exited: Promise<number>; stop(): Promise<void> } {
  const child = spawn(join(repoRoot, 'bin/kiosk'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  return {
    child,
    exited: exited.then((code) => {
      if (code !== 0) throw new Error(`kiosk ${args.join(' ')} exited ${code}: ${err}`);
      return code;
    }),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Goes through the visit's screens as the person would, whichever the core shows: the
 * insurance answer (continue, or continue fee-paying), the first clinic, the confirmation.
 */
export async function walkToResult(page: Page, timeoutMs = 30_000): Promise<void> {
  const steps: Record<string, string> = {
    insurance: '[data-testid="continue"], [data-testid="fee-paying"]',
    clinic: '[data-testid^="clinic-"]',
    confirm: '[data-testid="confirm"]',
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const screen = await page
      .waitForSelector(':is([data-screen="result"], [data-screen="insurance"], [data-screen="clinic"], [data-screen="confirm"])', {
        timeout: Math.max(1, deadline - Date.now()),
      })
      .then(
        (el) => el.getAttribute('data-screen'),
        async () => {
          const now = await page.getAttribute('[data-screen]', 'data-screen').catch(() => null);
          throw new Error(`no result within ${timeoutMs} ms: still on the ${now} screen`);
        },
      );
    if (screen === 'result') return;
    if (Date.now() > deadline) throw new Error(`no result within ${timeoutMs} ms: still on the ${screen} screen`);
    // The insurance screen has no button to press while the roster is looked up.
    const button = page.locator(`[data-screen="${screen}"] :is(${steps[screen!]!})`).first();
    // The screen may change under the click (the core moved on): then look again.
    if (await button.count()) await button.click({ timeout: 2000 }).catch(() => undefined);
    else await page.waitForTimeout(200);
  }
}
