import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateTestPki } from '../pki.js';

const dir = mkdtempSync(join(tmpdir(), 'kiosk-pki-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('test PKI folder', () => {
  it('is made once, with only the CSCA and its CRL in trust/, and loads back the same', async () => {
    const made = await loadOrCreateTestPki(dir);
    expect(readdirSync(join(dir, 'trust')).sort()).toEqual(['csca-vn-test.crl', 'csca-vn-test.pem']);
    const loaded = await loadOrCreateTestPki(dir);
    expect(loaded.ds.cert.serialNumber).toBe(made.ds.cert.serialNumber);
  });
  it('refuses a pki.json it did not write, with a clear reason', async () => {
    writeFileSync(join(dir, 'pki.json'), '{"csca": 1}');
    await expect(loadOrCreateTestPki(dir)).rejects.toThrow(/not a test PKI made by this simulator \(unexpected content\)/);
    writeFileSync(join(dir, 'pki.json'), 'garbage');
    await expect(loadOrCreateTestPki(dir)).rejects.toThrow(/\(not JSON\)/);
  });
});
