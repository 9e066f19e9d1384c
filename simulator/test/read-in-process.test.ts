// The reader (drivers/emrtd) against the virtual chip, in process: every access path and
// every fault ends in its own specific result.
import { beforeAll, describe, expect, it } from 'vitest';
import { readDocument, type DocumentRead } from '../../drivers/emrtd/reader.js';
import { TrustStore } from '../../drivers/emrtd/cert/trust-store.js';
import { createVirtualCard, InProcessChannel, type Fault, type VirtualCardOptions } from '../card.js';
import { createTestPki, trustFiles, type TestPki } from '../pki.js';

let pki: TestPki;
let trust: TrustStore;
beforeAll(async () => {
  pki = await createTestPki();
  trust = TrustStore.fromFiles(trustFiles(pki)).store;
});

async function read(
  opts: Partial<VirtualCardOptions> = {},
  access?: 'mrz' | 'can' | 'wrong',
): Promise<{ result: DocumentRead; card: Awaited<ReturnType<typeof createVirtualCard>>; apdus: number }> {
  const card = await createVirtualCard({ pki, seed: 'test', index: 3, ...opts });
  const c = card.citizen;
  const key = card.mrzKey;
  const channel = new InProcessChannel(card);
  const readOptions = card.link.extendedLength && card.link.name !== 'instant' ? { extendedLength: true } : {};
  const accessKey =
    access === 'can'
      ? { kind: 'can' as const, can: c.can }
      : access === 'wrong'
        ? { kind: 'mrz' as const, key: { ...key, dateOfBirth: '000101' } }
        : { kind: 'mrz' as const, key };
  const result = await readDocument(channel, { access: [accessKey], trust, ...readOptions });
  return { result, card, apdus: channel.count };
}

describe('reading a virtual CCCD', () => {
  it('reads and verifies over PACE: identity, DG13, face, PA, AA and CA', async () => {
    const { result, card, apdus } = await read();
    const c = card.citizen;
    expect(result.accessControl).toMatchObject({ protocol: 'PACE', password: 'mrz' });
    expect(result.mrz.documentNumber).toBe(c.documentNumber);
    expect(result.mrz.optionalData1).toBe(c.idNumber);
    expect(result.dg13).toMatchObject({
      idNumber: c.idNumber,
      fullName: c.fullName,
      fatherName: c.dg13.fatherName,
      motherName: c.dg13.motherName,
      placeOfResidence: c.placeOfResidence,
    });
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

describe('every PACE cipher and curve, both chip authentication ciphers', () => {
  it.each([
    ['3DES', 12],
    ['AES-128', 8],
    ['AES-192', 13],
    ['AES-256', 16],
    ['AES-256', 18],
  ] as const)('PACE %s on curve %i', async (paceCipher, paceCurve) => {
    const { result } = await read({ paceCipher, paceCurve });
    expect(result.accessControl.paceProtocol).toBe(
      `0.4.0.127.0.7.2.2.4.2.${{ '3DES': 1, 'AES-128': 2, 'AES-192': 3, 'AES-256': 4 }[paceCipher]}`,
    );
    expect(result.verification.verified).toBe(true);
  });

  it('chip authentication with 3DES (MSE:Set KAT)', async () => {
    const { result } = await read({ caCipher: '3DES' });
    expect(result.verification.chip).toMatchObject({ supported: true, status: 'passed' });
    expect(result.verification.verified).toBe(true);
  });

  it('a PACE-only card', async () => {
    const { result } = await read({ bac: false });
    expect(result.accessControl.protocol).toBe('PACE');
  });
});

describe('large files', () => {
  // A 60 KB face: offsets past 32 767 need READ BINARY B1 with DO'54'.
  const big = new Uint8Array(60_000).fill(0x55);
  big.set([0xff, 0xd8, 0xff, 0xe0], 0);
  it.each([
    ['short APDUs', false],
    ['extended length', true],
  ])('reads a 60 KB DG2 with %s', async (_label, extended) => {
    const link = { name: 'test', bitRate: Infinity, turnaroundMs: 0, extendedLength: extended, maxExtendedResponse: 0x1000 };
    const { result, card } = await read({ face: { format: 'jpeg', width: 480, height: 640, bytes: big }, link });
    expect(result.face?.bytes).toEqual(big);
    expect(card.chip.served.get('DG2')).toBe(card.chip.files.get('DG2')!.length);
    expect(result.verification.passive.dataGroups['DG2']).toBe('match');
  });
});

describe('faults', () => {
  const cases: [Fault, (r: DocumentRead) => void][] = [
    [
      'corrupted-dg',
      (r) => {
        expect(r.verification.passive.dataGroups['DG13']).toBe('mismatch');
        expect(r.verification.passive.verdict).toBe('failed');
      },
    ],
    [
      'sod-hash-mismatch',
      (r) => {
        expect(r.verification.passive.dataGroups['DG1']).toBe('mismatch');
        expect(r.verification.passive.checks.sodSignature.status).toBe('passed');
      },
    ],
    [
      'sod-no-signer',
      (r) => {
        // The data groups were read; nothing vouches for them.
        expect(r.mrz.documentNumber).toMatch(/^\d{9}$/);
        expect(r.dg13?.idNumber).toMatch(/^\d{12}$/);
        expect(r.face?.bytes.length).toBeGreaterThan(0);
        expect(r.sod).toBeNull();
        expect(r.files.has('SOD')).toBe(true);
        expect(r.verification.passive).toMatchObject({
          verdict: 'failed',
          checks: {
            sodSignature: { status: 'failed', reason: 'the SOD cannot be used: SOD has 0 signers, not one' },
            dataGroupHashes: { status: 'failed' },
          },
          dataGroups: { DG1: 'not-in-sod', DG2: 'not-in-sod', DG13: 'not-in-sod' },
        });
      },
    ],
    [
      'unknown-csca',
      (r) => {
        expect(r.verification.passive.verdict).toBe('csca-unknown');
        expect(r.verification.passive.checks.sodSignature.status).toBe('passed');
      },
    ],
    [
      'revoked-ds',
      (r) => {
        expect(r.verification.passive.checks.revocation).toMatchObject({ status: 'failed', reason: expect.stringMatching(/revoked/) });
      },
    ],
    [
      'cloned',
      (r) => {
        expect(r.verification.active).toMatchObject({ status: 'failed' });
        expect(r.verification.passive.verdict).toBe('verified');
      },
    ],
    [
      'expired',
      (r) => {
        expect(r.verification.validity).toMatchObject({ status: 'failed', reason: expect.stringMatching(/expired/) });
        expect(r.verification.passive.verdict).toBe('verified');
      },
    ],
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
