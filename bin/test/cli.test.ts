import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commands } from '../commands/index.js';

const kiosk = fileURLToPath(new URL('../kiosk', import.meta.url));
const run = (...args: string[]) => spawnSync(kiosk, args, { encoding: 'utf8', env: { ...process.env, KIOSK_SIMULATOR: '' } });

describe('kiosk command line', () => {
  it('lists the commands with --help', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    for (const c of commands) expect(r.stdout).toContain(c.name);
  });

  it.each(commands.map((c) => c.name))('kiosk %s --help prints usage and exits 0', (name) => {
    const r = run(...name.split(' '), '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: kiosk /);
  });

  it('reports an unknown command in one line with exit 1', () => {
    const r = run('frobnicate');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
  });

  it('reports an unknown option in one line with exit 1', () => {
    const r = run('bench', '--nope');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^kiosk: .*--nope.*kiosk bench --help/);
  });
});

describe('kiosk barcode parse', () => {
  it('detects a boarding pass and prints its fields as JSON', () => {
    const r = run('barcode', 'parse', '--json', 'M1DESMARAIS/LUC       EABC123 YULFRAAC 0834 326J001A0025 100');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      kind: 'bcbp',
      pass: { surname: 'DESMARAIS', legs: [{ from: 'YUL', to: 'FRA', flightNumber: '0834' }] },
    });
  });
  it('detects a CCCD QR code', () => {
    const r = run('barcode', 'parse', '--json', '001089012345||Nguyễn Văn An|15031989|Nam|Hà Nội|01072021');
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: 'cccd-qr', qr: { idNumber: '001089012345', dateOfBirth: '1989-03-15' } });
  });
  it('names the field and offset of a parse error, exit 1', () => {
    const r = run('barcode', 'parse', 'M1DESMARAIS/LUC       EABC123 Y1LFRAAC 0834 326J001A0025 100');
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('kiosk: boarding pass, fromAirport at offset 30: "Y1L" is not a 3-letter airport code');
  });
});

describe('kiosk face verify', () => {
  it('compares a chip photo with live frames and prints score, decision, quality and timings', async () => {
    const { existsSync, mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const sharp = (await import('sharp')).default;
    const photo = fileURLToPath(new URL('../../models/test-photos/astronaut.png', import.meta.url));
    expect(existsSync(photo), 'test photos are fetched by node models/fetch-test-photos.mjs (npm test runs it)').toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'face-cli-'));
    try {
      // The face filling a camera frame, as at the kiosk.
      const frames = [];
      for (const [i, b] of [1, 1.1, 0.95].entries()) {
        const f = join(dir, `live${i}.jpg`);
        await sharp(photo)
          .extract({ left: 120, top: 0, width: 240, height: 200 })
          .resize(640, 480, { fit: 'cover' })
          .modulate({ brightness: b })
          .jpeg()
          .toFile(f);
        frames.push(f);
      }
      const r = run('face', 'verify', photo, ...frames, '--json');
      const out = JSON.parse(r.stdout) as { score: number; match: boolean; live: boolean; quality: string[]; ms: Record<string, number> };
      expect(Object.keys(out.ms)).toEqual(['decode', 'detect', 'landmarks', 'align', 'embed', 'liveness', 'total']);
      expect(out.score).toBeGreaterThan(0.5);
      expect(out.match, r.stdout).toBe(true);
      expect(r.status).toBe(out.match && out.live ? 0 : 2);
      const other = run(
        'face',
        'verify',
        fileURLToPath(new URL('../../models/test-photos/facedetection-faces.jpg', import.meta.url)),
        ...frames,
        '--json',
      );
      expect(JSON.parse(other.stdout)).toMatchObject({ match: false });
      expect(other.status).toBe(2);
      expect(run('face', 'verify', photo, join(dir, 'missing.jpg')).stderr).toMatch(/cannot read .*missing\.jpg: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("matches a simulated citizen's chip photo (a real face) with a live frame of that face, and no other citizen's", async () => {
    const { mkdtempSync, readFileSync, rmSync, statSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const sharp = (await import('sharp')).default;
    const dir = mkdtempSync(join(tmpdir(), 'sim-faces-'));
    try {
      const made = run('sim', 'citizens', '--count', '3', '--out', dir);
      expect(made.status, made.stderr).toBe(0);
      expect(made.stderr).not.toMatch(/placeholders/);
      for (const i of [0, 1, 2]) expect(statSync(join(dir, `face-${i}.jpg`)).size).toBeLessThan(16_500);
      // The live frame: citizen 1's face, larger, a little brighter, in a 640×480 frame.
      const live = join(dir, 'live.jpg');
      const face = await sharp(readFileSync(join(dir, 'face-1.jpg')))
        .resize(300, 400)
        .modulate({ brightness: 1.1 })
        .toBuffer();
      await sharp({ create: { width: 640, height: 480, channels: 3, background: '#8a8f96' } })
        .composite([{ input: face, left: 170, top: 40 }])
        .jpeg()
        .toFile(live);
      const same = JSON.parse(run('face', 'verify', join(dir, 'face-1.jpg'), live, '--json').stdout) as { score: number; match: boolean };
      expect(same.match, String(same.score)).toBe(true);
      for (const other of [0, 2])
        expect(JSON.parse(run('face', 'verify', join(dir, `face-${other}.jpg`), live, '--json').stdout)).toMatchObject({ match: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
