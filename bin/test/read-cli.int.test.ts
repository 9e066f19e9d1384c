// `kiosk sim chip` and `kiosk read` as separate processes around a private pcscd: the way a
// technician runs them, with nothing in between but PC/SC.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizen } from '../../simulator/citizens.js';
import { freePortPair, startPrivatePcscd, type PrivatePcscd } from '../../simulator/pcscd.js';

const kiosk = fileURLToPath(new URL('../kiosk', import.meta.url));
let pcscd: PrivatePcscd;
let pkiDir: string;
const env = () => ({ ...process.env, PCSCLITE_CSOCK_NAME: pcscd.socket, KIOSK_SIMULATOR: '' });

beforeAll(async () => {
  pcscd = await startPrivatePcscd(await freePortPair());
  pkiDir = mkdtempSync(join(tmpdir(), 'kiosk-sim-pki-'));
});
afterAll(async () => {
  await pcscd?.stop();
  rmSync(pkiDir, { recursive: true, force: true });
});

function run(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(kiosk, args, { env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function withSimChip<T>(args: string[], fn: () => Promise<T>): Promise<T> {
  const chip: ChildProcess = spawn(kiosk, ['sim', 'chip', '--port', String(pcscd.ports[0]), '--pki', pkiDir, '--seed', 'cli', ...args], {
    env: env(),
  });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sim chip did not start: ${err}`)), 30_000);
    chip.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('in the vpcd slot')) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  try {
    return await fn();
  } finally {
    chip.kill('SIGTERM');
    await new Promise((r) => chip.once('exit', r));
  }
}

const c = makeCitizen('cli', 1);
const mrz = `${c.documentNumber},${c.dateOfBirth},${c.expiry}`;

describe('kiosk read against kiosk sim chip', () => {
  it('reads and verifies (exit 0) and prints one JSON object', async () => {
    await withSimChip(['--index', '1', '--link', 'instant'], async () => {
      const r = await run(['read', '--simulator', '--json', '--mrz', mrz, '--trust', join(pkiDir, 'trust'), '--wait', '20']);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as Record<string, unknown> & {
        verification: { verified: boolean; passive: { verdict: string } };
        face: { format: string; bytes: number };
        dg13: Record<string, string>;
      };
      expect(out).toMatchObject({ documentNumber: c.documentNumber, idNumber: c.idNumber, fullName: c.fullName, expiry: c.expiry });
      expect(out.dg13['placeOfResidence']).toBe(c.placeOfResidence);
      expect(out.face.format).toBe('jpeg');
      expect(out.verification.verified).toBe(true);
      expect(out.verification.passive.verdict).toBe('verified');
      expect(out['apdus']).toBeGreaterThan(10);
    });
  });

  it('opens the card from its QR code text', async () => {
    await withSimChip(['--index', '1', '--link', 'instant'], async () => {
      const r = await run(['read', '--simulator', '--json', '--qr', c.qr, '--trust', join(pkiDir, 'trust'), '--wait', '20']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ accessControl: { protocol: 'PACE', password: 'can' } });
    });
  });

  it('exits 2 with the reason when the card is read but not verified', async () => {
    await withSimChip(['--index', '1', '--link', 'instant', '--fault', 'unknown-csca'], async () => {
      const r = await run(['read', '--simulator', '--mrz', mrz, '--trust', join(pkiDir, 'trust'), '--wait', '20']);
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/Passive auth:\s+csca-unknown/);
      expect(r.stdout).toMatch(/NOT VERIFIED/);
    });
  });

  it('exits 2, with the data groups and passive authentication failed for the reason, when the SOD has no signer', async () => {
    await withSimChip(['--index', '1', '--link', 'instant', '--fault', 'sod-no-signer'], async () => {
      const r = await run(['read', '--simulator', '--json', '--mrz', mrz, '--trust', join(pkiDir, 'trust'), '--wait', '20']);
      expect(r.code).toBe(2);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({
        documentNumber: c.documentNumber,
        verification: {
          verified: false,
          passive: { verdict: 'failed', checks: { sodSignature: { status: 'failed', reason: expect.stringMatching(/0 signers/) } } },
        },
      });
    });
  });

  it('exits 1 with a one-line reason on a wrong MRZ', async () => {
    await withSimChip(['--index', '1', '--link', 'instant'], async () => {
      const r = await run([
        'read',
        '--simulator',
        '--json',
        '--mrz',
        `${c.documentNumber},${c.dateOfBirth},991231`,
        '--trust',
        join(pkiDir, 'trust'),
        '--wait',
        '20',
      ]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^kiosk: access-denied: /);
    });
  });

  it('outside simulator mode refuses the virtual reader and finds no card', async () => {
    await withSimChip(['--index', '1', '--link', 'instant'], async () => {
      const r = await run(['read', '--mrz', mrz, '--wait', '2']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/Virtual reader "Virtual PCD 00 0[01]" refused/);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^kiosk: no card reader found within 2 s/);
    });
  });
});
