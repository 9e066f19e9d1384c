// The whole real stack: a private pcscd with vsmartcard's vpcd driver, the virtual chip
// connected to it over the vpcd protocol on loopback, drivers/pcsc (pcsclite) and
// drivers/emrtd reading through it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PcscReaders, type PcscCard } from '../../drivers/pcsc/pcsc.js';
import { readDocument } from '../../drivers/emrtd/reader.js';
import { TrustStore } from '../../drivers/emrtd/cert/trust-store.js';
import { createVirtualCard, type Fault, type VirtualCardOptions } from '../card.js';
import { freePortPair, missingPcscStack, startPrivatePcscd, type PrivatePcscd } from '../pcscd.js';
import { createTestPki, trustFiles, type TestPki } from '../pki.js';
import { VpcdCard } from '../vpcd.js';

let pki: TestPki;
let trust: TrustStore;
let pcscd: PrivatePcscd;
let readers: PcscReaders;
const SLOT0 = 'Virtual PCD 00 00';
const SLOT1 = 'Virtual PCD 00 01';

beforeAll(async () => {
  const missing = missingPcscStack();
  if (missing) throw new Error(missing);
  pki = await createTestPki();
  trust = TrustStore.fromFiles(trustFiles(pki)).store;
  pcscd = await startPrivatePcscd(await freePortPair());
  process.env['PCSCLITE_CSOCK_NAME'] = pcscd.socket;
  readers = new PcscReaders({ allowVirtualReaders: true });
  const deadline = Date.now() + 10_000;
  while (readers.readers.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(readers.readers.sort()).toEqual([SLOT0, SLOT1]);
});

afterAll(async () => {
  // Close while pcscd is up (libpcsclite spins once it is gone), after the readers went quiet
  // (the binding's close can miss a cancel that races a status event).
  await new Promise((r) => setTimeout(r, 300));
  readers?.close();
  await pcscd?.stop();
});

async function withCard<T>(
  slot: 0 | 1,
  opts: Partial<VirtualCardOptions>,
  fn: (card: PcscCard, v: Awaited<ReturnType<typeof createVirtualCard>>) => Promise<T>,
): Promise<T> {
  const v = await createVirtualCard({ pki, seed: 'pcscd', index: slot, ...opts });
  const name = slot === 0 ? SLOT0 : SLOT1;
  const vpcd = await VpcdCard.insert({ port: pcscd.ports[slot], card: v });
  try {
    await readers.waitForCard({ reader: name, timeoutMs: 10_000 });
    const card = await readers.connect(name);
    try {
      return await fn(card, v);
    } finally {
      await card.disconnect();
    }
  } finally {
    const gone = new Promise<void>((resolve) => {
      const onRemoved = (r: string) => {
        if (r !== name) return;
        readers.off('card-removed', onRemoved);
        resolve();
      };
      readers.on('card-removed', onRemoved);
    });
    vpcd.remove();
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  }
}

const access = (v: Awaited<ReturnType<typeof createVirtualCard>>) => [{ kind: 'mrz' as const, key: v.mrzKey }];

describe('reading through pcscd + vpcd', () => {
  it('reads and verifies over PACE', async () => {
    await withCard(0, {}, async (card, v) => {
      expect(card.protocol).toBe('T=1');
      const r = await readDocument(card, { access: access(v), trust, extendedLength: card.extendedLength });
      expect(r.accessControl.protocol).toBe('PACE');
      expect(r.dg13?.fullName).toBe(v.citizen.fullName);
      expect(r.verification.verified).toBe(true);
    });
  });

  it('reads and verifies over BAC, with extended-length APDUs', async () => {
    await withCard(
      0,
      { pace: false, link: { name: 'x', bitRate: Infinity, turnaroundMs: 0, extendedLength: true, maxExtendedResponse: 0x1000 } },
      async (card, v) => {
        expect(card.extendedLength).toBe(true);
        const r = await readDocument(card, { access: access(v), trust, extendedLength: true });
        expect(r.accessControl.protocol).toBe('BAC');
        expect(r.verification.verified).toBe(true);
        expect(r.apdus).toBeLessThan(30);
      },
    );
  });

  const contentFaults: [Fault, (r: Awaited<ReturnType<typeof readDocument>>) => unknown][] = [
    ['corrupted-dg', (r) => r.verification.passive.dataGroups['DG13']],
    ['sod-hash-mismatch', (r) => r.verification.passive.dataGroups['DG1']],
    ['unknown-csca', (r) => r.verification.passive.verdict],
    ['revoked-ds', (r) => r.verification.passive.checks.revocation.reason],
    ['cloned', (r) => r.verification.active.status],
    ['expired', (r) => r.verification.validity.status],
  ];
  const expected: Record<string, unknown> = {
    'corrupted-dg': 'mismatch',
    'sod-hash-mismatch': 'mismatch',
    'unknown-csca': 'csca-unknown',
    'revoked-ds': 'the Document Signer certificate is revoked',
    cloned: 'failed',
    expired: 'failed',
  };
  it.each(contentFaults)('fault %s: read but not verified, for its own reason', async (fault, pick) => {
    await withCard(0, { faults: [fault] }, async (card, v) => {
      const r = await readDocument(card, { access: access(v), trust });
      expect(r.verification.verified).toBe(false);
      expect(pick(r)).toBe(expected[fault]);
    });
  });

  it('fault wrong-mac: a secure-messaging error', async () => {
    await withCard(0, { faults: ['wrong-mac'] }, async (card, v) => {
      await expect(readDocument(card, { access: access(v), trust })).rejects.toMatchObject({ code: 'secure-messaging' });
    });
  });

  it('fault slow: still verified', async () => {
    await withCard(0, { faults: ['slow'] }, async (card, v) => {
      expect((await readDocument(card, { access: access(v), trust })).verification.verified).toBe(true);
    });
  });

  it('a card pulled mid-read ends the read with card-removed, quickly', async () => {
    await withCard(0, { faults: ['removed'], removeAfter: 15 }, async (card, v) => {
      const started = Date.now();
      await expect(readDocument(card, { access: access(v), trust })).rejects.toMatchObject({ code: 'card-removed' });
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  it('reads two cards in two readers at once', async () => {
    const [a, b] = await Promise.all([
      withCard(0, {}, async (card, v) => ({ r: await readDocument(card, { access: access(v), trust }), v })),
      withCard(1, {}, async (card, v) => ({ r: await readDocument(card, { access: access(v), trust }), v })),
    ]);
    expect(a.r.verification.verified && b.r.verification.verified).toBe(true);
    expect(a.r.dg13?.idNumber).toBe(a.v.citizen.idNumber);
    expect(b.r.dg13?.idNumber).toBe(b.v.citizen.idNumber);
    expect(a.v.citizen.idNumber).not.toBe(b.v.citizen.idNumber);
  });

  it('outside simulator mode, refuses virtual readers', async () => {
    const strict = new PcscReaders({ allowVirtualReaders: false });
    const refusal = await new Promise<{ code: string; message: string }>((resolve) => strict.on('error', resolve));
    expect(refusal.code).toBe('virtual-reader-refused');
    expect(refusal.message).toMatch(/^Virtual reader "Virtual PCD/);
    expect(strict.readers).toEqual([]);
    strict.close();
  });
});
