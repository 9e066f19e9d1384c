// The scanner commands as separate processes: `kiosk barcode listen --simulator` and
// `kiosk sim scanner` plugged into it over loopback.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { brokenPasses, encodeBcbp, makeBoardingPass, makeRoster } from '../../simulator/boarding-pass.js';
import { makeCitizens } from '../../simulator/citizens.js';

const kiosk = fileURLToPath(new URL('../kiosk', import.meta.url));
const citizen = makeCitizens('cccd', 1)[0]!;
const EXPECTED = 3 + brokenPasses(encodeBcbp(makeBoardingPass(citizen, makeRoster('cccd', '2026-11-23', 12), 'cccd'))).length;

describe('kiosk barcode listen + kiosk sim scanner', () => {
  it('prints every scan the virtual scanner sends, parsed, and the broken ones with their field', async () => {
    const listen = spawn(kiosk, ['barcode', 'listen', '--simulator', '--port', '0', '--count', String(EXPECTED), '--json']);
    onTestFinished(() => {
      listen.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    listen.stdout.on('data', (d) => (stdout += d));
    const port = await new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no port: ${stderr}`)), 15_000);
      listen.stderr.on('data', (d) => {
        stderr += d;
        const m = /127\.0\.0\.1:(\d+)/.exec(stderr);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        }
      });
    });
    const sent = spawnSync(
      kiosk,
      ['sim', 'scanner', '--port', String(port), '--passes', '2', '--qrs', '1', '--broken', '--gap', '0', '--json', '--date', '2026-11-23'],
      { encoding: 'utf8', timeout: 20_000 },
    );
    expect(sent.status, sent.stderr).toBe(0);
    const items = JSON.parse(sent.stdout) as { kind: string }[];
    expect(items).toHaveLength(EXPECTED);
    const code = await new Promise<number | null>((resolve) => listen.on('exit', resolve));
    expect(code, stderr).toBe(0);
    const scans = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; error?: string });
    expect(scans.slice(0, 3).map((s) => s.kind)).toEqual(['bcbp', 'bcbp', 'cccd-qr']);
    expect(scans.slice(3).every((s) => s.kind === 'invalid' && /boarding pass, \w+ at offset \d+/.test(s.error!))).toBe(true);
    expect(stderr).toMatch(/scanner connected/);
  }, 40_000);

  it('says what to do when no kiosk is listening', () => {
    const r = spawnSync(kiosk, ['sim', 'scanner', '--port', '9', '--passes', '1'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot plug into 127\.0\.0\.1:9 \(ECONNREFUSED\); is the kiosk running in simulator mode\?/);
  });
});
