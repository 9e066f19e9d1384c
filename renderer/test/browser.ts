// Shared e2e plumbing: the real `kiosk start` process and Debian's Chromium via playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** Where e2e screenshots go (named in the README). */
export const ARTIFACTS = join(repoRoot, 'artifacts', 'e2e');

export async function launchChromium(): Promise<{ browser: Browser; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: run \`npm run setup\` as root (it installs the Debian package "chromium")`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
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
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `kiosk start --simulator --json --no-open` and waits for its address. */
export function startKioskProcess(timeoutMs = 30_000): Promise<KioskProcess> {
  // Its own data folder (kiosk database, embedded registry) and any free scanner port.
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-e2e-'));
  const child = spawn(join(repoRoot, 'bin/kiosk'), ['start', '--simulator', '--browser', '--no-open', '--json', '--scanner-port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KIOSK_DATA_DIR: dataDir },
  });
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
        const { url, registry } = JSON.parse(out) as { url: string; registry: string | null };
        clearTimeout(timer);
        resolve({
          url,
          registry,
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
