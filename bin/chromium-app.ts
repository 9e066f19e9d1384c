// Opening the kiosk UI in Debian's Chromium (kiosk start without Electron). The address to
// open carries the start's one-time token in its fragment, and a process's command line is
// readable by every user of the machine (/proc/PID/cmdline, ps). So Chromium is not given
// that address: it is given a launch page, written 0600 into its own profile folder (0700),
// that sends it on to the address with the token. Nothing secret is on a command line, and
// nothing is served on the network that another local process could fetch first.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_PAGE = 'kiosk-launch.html';

export interface ChromiumLaunch {
  /** Chromium's arguments: the launch page's file: URL, never `url`. */
  args: string[];
  /** The launch page, readable by this user only. */
  launchFile: string;
}

function htmlAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Writes the launch page for `url` into `profile` (a folder only this user can open) and says how to start Chromium on it. */
export function prepareChromiumApp(url: string, profile: string, asRoot = process.getuid?.() === 0, extra: string[] = []): ChromiumLaunch {
  const launchFile = join(profile, LAUNCH_PAGE);
  writeFileSync(
    launchFile,
    '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
      `<meta http-equiv="refresh" content="0;url=${htmlAttribute(url)}"><title>CCCD Kiosk</title>\n`,
    { mode: 0o600, flag: 'wx' },
  );
  const args = [
    `--app=${pathToFileURL(launchFile).href}`,
    `--user-data-dir=${profile}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    // The kiosk page opens the camera without a prompt nobody at a kiosk could answer; the
    // app window shows our page alone (and Chromium's sandboxing of it is unchanged).
    '--auto-accept-camera-and-microphone-capture',
    ...extra,
  ];
  if (asRoot) args.push('--no-sandbox');
  return { args, launchFile };
}

/** Opens `url` in a Chromium app window with a fresh profile; the function returned closes it and removes the profile. */
export function openChromiumApp(url: string, extra: string[] = []): () => void {
  const profile = mkdtempSync(join(tmpdir(), 'kiosk-chromium-'));
  const { args } = prepareChromiumApp(url, profile, undefined, extra);
  const child = spawn(CHROMIUM, args, { stdio: 'ignore' });
  child.on('error', () => undefined);
  return () => {
    child.kill();
    rmSync(profile, { recursive: true, force: true });
  };
}
