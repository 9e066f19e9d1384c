// The launch page really takes Debian's Chromium to the address with the token, and no
// process of that Chromium has the token on its command line (bin/chromium-app.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHROMIUM, prepareChromiumApp } from '../chromium-app.js';

const TOKEN = 'Zt3kR9vQ1mX7wB2nL5pS8dF0gH4jK6cV-yU_eA1iO3q';
let server: Server | undefined;
let chromium: ChildProcess | undefined;
const profile = mkdtempSync(join(tmpdir(), 'kiosk-chromium-int-'));

afterAll(async () => {
  if (chromium?.pid) {
    try {
      process.kill(-chromium.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(profile, { recursive: true, force: true });
});

/** The command lines of every process started with this profile. */
function chromiumCommandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (line.includes(profile)) lines.push(line);
    } catch {
      // the process ended
    }
  }
  return lines;
}

describe.skipIf(!existsSync(CHROMIUM))('Chromium opened on the launch page', () => {
  it('arrives at the address with the token, which no Chromium command line holds', async () => {
    let reported: (hash: string) => void = () => undefined;
    const hash = new Promise<string>((resolve) => (reported = resolve));
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://placeholder');
      if (u.pathname === '/report') {
        reported(u.searchParams.get('hash') ?? '');
        res.end('ok');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><script>fetch("/report?hash=" + encodeURIComponent(location.hash))</script>');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;

    const { args } = prepareChromiumApp(`http://127.0.0.1:${port}/#token=${TOKEN}`, profile);
    chromium = spawn(CHROMIUM, ['--headless=new', ...args], { stdio: 'ignore', detached: true });
    const timeout = new Promise<string>((_, reject) => setTimeout(() => reject(new Error('Chromium never reached the page')), 15_000));
    expect(await Promise.race([hash, timeout])).toBe(`#token=${TOKEN}`);

    const lines = chromiumCommandLines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(TOKEN);
  });
});
