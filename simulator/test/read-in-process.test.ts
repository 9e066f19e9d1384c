// The reader (drivers/emrtd) against the virtual chip, in process: every access path and
// every fault ends in its own specific result.
import { beforeAll, describe, expect, it } from 'vitest';
import { readDocument, type DocumentRead } from '../../drivers/emrtd/reader.js';
import { TrustStore } from '../../drivers/emrtd/trust-store.js';
import { createVirtualCard, InProcessChannel, type Fault, type VirtualCardOptions } from '../card.js';
import { createTestPki, trustFiles, type TestPki } from '../pki.js';

let pki: TestPki;
let trust: TrustStore;
beforeAll(async () => {
  pki = await createTestPki();
  trust = TrustStore.fromFiles(trustFiles(pki)).store;
});

async function read(opts: Partial<VirtualCardOptions> = {}, access?: 'mrz' | 'can' | 'wrong'): Promise<{ result: DocumentRead; card: Awaited<ReturnType<typeof createVirtualCard>>; apdus: number }> {
  const card = await createVirtualCard({ pki, seed: 'test', index: 3, ...opts });
  const c = card.citizen;
  const key = card.mrzKey;
  const channel = new InProcessChannel(card);
  const accessKey =
    access === 'can' ? { kind: 'can' as const, can: c.can } : access === 'wrong' ? { kind: 'mrz' as const, key: { ...key, dateOfBirth: '000101' } } : { kind: 'mrz' as const, key };
  const result = await readDocument(channel, { access: [accessKey], trust });
  return { result, card, apdus: channel.count };
}

describe('reading a virtual CCCD', () => {
  it('reads and verifies over PACE: identity, DG13, face, PA, AA and CA', async () => {
    const { result, card, apdus } = await read();
    const c = card.citizen;
    expect(result.accessControl).toMatchObject({ protocol: 'PACE', password: 'mrz' });
    expect(result.mrz.documentNumber).toBe(c.documentNumber);
    expect(result.mrz.optionalData1).toBe(c.idNumber);
    expect(result.dg13).toMatchObject({ idNumber: c.idNumber, fullName: c.fullName, fatherName: c.dg13.fatherName, motherName: c.dg13.motherName, placeOfResidence: c.placeOfResidence });
    expect(result.face?.format).toBe('jpeg');
    expect(result.face!.bytes.length).toBeGreaterThan(10_000);
    expect(result.verification.passive.verdict).toBe('verified');
    expect(result.verification.passive.checks.revocation.status).toBe('passed');
    expect(result.verification.active).toMatchObject({ supported: true, status: 'passed' });
    expect(result.verification.chip).toMatchObject({ supported: true, status: 'passed' });
    expect(result.verification.validity.status).toBe('passed');
    expect(result.verification.verified).toBe(true);
    // Every file was sent exactly once, whole.
    for (const [name, served] of card.chip.served) expect([name, served]).toEqual([name, card.chip.files.get(name)!.length]);
    expect([...card.chip.served.keys()].sort()).toEqual(['COM', 'CardAccess', 'DG1', 'DG13', 'DG14', 'DG15', 'DG2', 'SOD']);
    expect(apdus).toBe(result.apdus);
    expect(apdus).toBeLessThan(100);
  });

  it('reads over BAC when the card offers no PACE', async () => {
    const { result } = await read({ pace: false });
    expect(result.accessControl.protocol).toBe('BAC');
    expect(result.verification.verified).toBe(true);
  });

  it('reads over PACE with the CAN', async () => {
    const { result } = await read({}, 'can');
    expect(result.accessControl).toMatchObject({ protocol: 'PACE', password: 'can' });
    expect(result.verification.verified).toBe(true);
  });

  it('works with a card that answers SELECT MF with 6D00', async () => {
    const { result } = await read({ selectMf: 'ins-not-supported' });
    expect(result.verification.verified).toBe(true);
  });

  it('reads with ECDSA active authentication and without chip authentication', async () => {
    const { result } = await read({ activeAuthentication: 'ecdsa', chipAuthentication: false });
    expect(result.verification.active.status).toBe('passed');
    expect(result.verification.chip).toMatchObject({ supported: false, status: 'not-checked' });
    expect(result.verification.verified).toBe(true);
  });

  it('refuses wrong MRZ data as access-denied, over PACE and over BAC', async () => {
    await expect(read({}, 'wrong')).rejects.toMatchObject({ code: 'access-denied' });
    await expect(read({ pace: false }, 'wrong')).rejects.toMatchObject({ code: 'access-denied' });
  });
});

describe('faults', () => {
  const cases: [Fault, (r: DocumentRead) => void][] = [
    ['corrupted-dg', (r) => {
      expect(r.verification.passive.dataGroups['DG13']).toBe('mismatch');
      expect(r.verification.passive.verdict).toBe('failed');
    }],
    ['sod-hash-mismatch', (r) => {
      expect(r.verification.passive.dataGroups['DG1']).toBe('mismatch');
      expect(r.verification.passive.checks.sodSignature.status).toBe('passed');
    }],
    ['unknown-csca', (r) => {
      expect(r.verification.passive.verdict).toBe('csca-unknown');
      expect(r.verification.passive.checks.sodSignature.status).toBe('passed');
    }],
    ['revoked-ds', (r) => {
      expect(r.verification.passive.checks.revocation).toMatchObject({ status: 'failed', reason: expect.stringMatching(/revoked/) });
    }],
    ['cloned', (r) => {
      expect(r.verification.active).toMatchObject({ status: 'failed' });
      expect(r.verification.passive.verdict).toBe('verified');
    }],
    ['expired', (r) => {
      expect(r.verification.validity).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expired/) });
      expect(r.verification.passive.verdict).toBe('verified');
    }],
  ];
  it.each(cases)('%s: read, but not verified, for its own reason', async (fault, check) => {
    const { result } = await read({ faults: [fault] });
    expect(result.verification.verified).toBe(false);
    check(result);
  });

  it('wrong-mac: ends with a secure-messaging error', async () => {
    await expect(read({ faults: ['wrong-mac'] })).rejects.toMatchObject({ code: 'secure-messaging' });
  });

  it('removed: ends with card-removed, no hang', async () => {
    await expect(read({ faults: ['removed'], removeAfter: 9 })).rejects.toMatchObject({ code: 'card-removed' });
  });

  it('slow: still reads and verifies', async () => {
    const { result } = await read({ faults: ['slow'] });
    expect(result.verification.verified).toBe(true);
  });
});
