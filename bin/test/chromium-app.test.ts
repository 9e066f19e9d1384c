// kiosk start without Electron opens Chromium on a launch page, never on the address that
// carries the one-time token: a command line is readable by every user (bin/chromium-app.ts).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareChromiumApp } from '../chromium-app.js';

const TOKEN = 'q6YbW1x0n3s5u-7ZrVt2pA9kLmN4oPcDeFgHiJkLmNo';
const URL_WITH_TOKEN = `http://127.0.0.1:41234/#token=${TOKEN}`;
const made: string[] = [];
afterEach(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

function profile(): string {
  const d = mkdtempSync(join(tmpdir(), 'kiosk-chromium-test-'));
  made.push(d);
  return d;
}

describe('prepareChromiumApp', () => {
  it('puts no token on the command line: Chromium opens the launch page', () => {
    const dir = profile();
    const { args, launchFile } = prepareChromiumApp(URL_WITH_TOKEN, dir, false);
    expect(args.join(' ')).not.toContain(TOKEN);
    expect(args.join(' ')).not.toContain('token');
    expect(args).toContain(`--app=${pathToFileURL(launchFile).href}`);
    expect(args).toContain(`--user-data-dir=${dir}`);
    expect(args).not.toContain('--no-sandbox');
    expect(prepareChromiumApp(URL_WITH_TOKEN, profile(), true).args).toContain('--no-sandbox');
  });

  it('writes the launch page, readable by this user only, in the profile folder', () => {
    const dir = profile();
    const { launchFile } = prepareChromiumApp(URL_WITH_TOKEN, dir, false);
    expect(launchFile.startsWith(dir + '/')).toBe(true);
    expect(statSync(dir).mode & 0o077).toBe(0);
    expect(statSync(launchFile).mode & 0o777).toBe(0o600);
    const html = readFileSync(launchFile, 'utf8');
    expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${URL_WITH_TOKEN}">`);
    expect(html).toContain('<meta name="referrer" content="no-referrer">');
  });

  it('escapes the address into the page and never overwrites a file there', () => {
    const dir = profile();
    const { launchFile } = prepareChromiumApp('http://127.0.0.1:1/#token="><script>x</script>&', dir, false);
    const html = readFileSync(launchFile, 'utf8');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&quot;&gt;&lt;script&gt;x&lt;/script&gt;&amp;');
    expect(() => prepareChromiumApp(URL_WITH_TOKEN, dir, false)).toThrow();
  });
});
