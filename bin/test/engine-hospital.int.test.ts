// The hospital workflow through the real stack: virtual chips behind a private pcscd + vpcd,
// the virtual scanner, a looping camera, the kiosk engine, its store and its registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHARP_FACES, startSite, type TestSite } from './fixtures/site.js';

const [P0, P1, P2, P3, P4, P5, P6, P7, P8, P9] = SHARP_FACES as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

let site: TestSite;

beforeAll(async () => {
  site = await startSite('hospital', {
    config: (c) => ({ ...c, face: { ...c.face, required: true, retries: 1 }, timeouts: { ...c.timeouts, waitMs: 5000 } }),
  });
}, 60_000);

afterAll(async () => {
  await site?.stop();
});

describe('hospital check-in through pcscd, the virtual scanner and the camera', () => {
  it('admits a patient whose face matches: QR code, card, face, record, registry', async () => {
    await site.show(P0);
    const d = await site.checkIn(P0);
    expect(d.decision).toMatchObject({ decision: 'admitted', reasons: [], face: { status: 'matched' } });
    expect(d.decision.face.score).toBeGreaterThan(0.5);
    expect(d.record).toMatchObject({
      workflow: 'hospital-checkin',
      decision: 'admitted',
      verification: { passive: 'verified', face: 'matched' },
    });
    expect(['covered', 'expired', 'not-covered']).toContain(d.decision.insurance?.status);
    // Durable before the screen says so, and on its way to the registry.
    expect(site.kiosk.runner.current.screen).toBe('result');
    await site.waitFor(() => site.kiosk.store.queue().length === 0, 'the check-in reached the registry');
    const rows = await site.registryRows();
    expect(rows.at(-1)).toMatchObject({ decision: 'admitted', workflow: 'hospital-checkin' });
  });

  it('opens a card placed first with the CAN typed on the keypad', async () => {
    await site.show(P1);
    const c = await site.card(P1);
    const decided = site.kiosk.nextDecision(20_000);
    const vpcd = await site.insert(c);
    await site.waitFor(() => site.kiosk.view().screen === 'need-access', 'the kiosk asks for the QR code or the CAN');
    expect(await site.kiosk.core.handle('checkin.enterCan', { can: c.citizen.can })).toEqual({ accepted: true });
    const d = await decided;
    await site.remove(vpcd);
    expect(d.decision.decision).toBe('admitted');
  });

  it("asks again when the QR code is someone else's (the chip does not open with it)", async () => {
    const c = await site.card(P2);
    const other = await site.card(P3);
    await site.scanQr(other.citizen);
    const vpcd = await site.insert(c);
    await site.waitFor(
      () => site.kiosk.view().screen === 'need-access' && site.kiosk.view().notice === 'access-denied',
      'the kiosk asks for the right key',
    );
    await site.remove(vpcd);
    await site.waitFor(() => site.kiosk.view().screen === 'idle', 'back to idle when the card leaves');
  });

  it('refers a patient whose face does not match to staff, after the retry', async () => {
    await site.show(P5);
    const d = await site.checkIn(P4);
    expect(d.decision).toMatchObject({ decision: 'referred', reasons: ['face-mismatch'], face: { status: 'not-matched' } });
    expect(d.record.matchScore).not.toBeNull();
  });

  it.each([
    ['cloned', 'chip-cloned'],
    ['expired', 'card-expired'],
    ['unknown-csca', 'chip-issuer-unknown'],
    ['sod-hash-mismatch', 'chip-data-not-authentic'],
    ['sod-no-signer', 'chip-data-not-authentic'],
  ] as const)('refuses a card with the fault %s (%s)', async (fault, reason) => {
    await site.show(P6);
    const d = await site.checkIn(P6, { card: { faults: [fault] } });
    expect(d.decision.decision).toBe('refused');
    expect(d.decision.reasons).toContain(reason);
    expect(d.decision.face.status).toBe('not-checked'); // a failed chip is refused before the face
  });

  it('goes back to idle, recording nothing, when the card is pulled mid-read', async () => {
    const before = site.kiosk.store.page(0, 1e6).length;
    const c = await site.card(P7, { faults: ['removed'], removeAfter: 8 });
    await site.scanQr(c.citizen);
    const vpcd = await site.insert(c);
    await site.waitFor(
      () => site.kiosk.view().screen === 'idle' && site.kiosk.view().notice === 'card-removed-early',
      'the kiosk says the card left too early',
    );
    await site.remove(vpcd);
    expect(site.kiosk.store.page(0, 1e6).length).toBe(before);
  });

  it("gives up waiting for the card after the site's timeout, forgetting the QR code", async () => {
    const c = await site.card(P8);
    await site.scanQr(c.citizen);
    expect(site.kiosk.view().screen).toBe('waiting-card');
    await site.waitFor(() => site.kiosk.view().screen === 'idle', 'the wait times out', 10_000);
    expect(site.kiosk.view().notice).toBe('timed-out');
    expect(site.kiosk.runner.current.ctx.access).toBeNull();
  });

  it('says an unknown code or a boarding pass is not for this kiosk, and goes on', async () => {
    await site.scanText('https://example.invalid/not-a-card');
    expect(site.kiosk.view().notice).toBe('scan-unknown');
    await site.scanText('M1NGUYEN/VAN AN        EABCDEF HANSGNVN 0245 333Y012A0001 100');
    expect(['pass-not-used-here', 'scan-invalid']).toContain(site.kiosk.view().notice);
    await site.show(P9);
    const d = await site.checkIn(P9);
    expect(d.decision.decision).toBe('admitted');
  });

  it('counted every decision in the registry once', async () => {
    await site.waitFor(() => site.kiosk.store.queue().length === 0, 'all check-ins synced', 15_000);
    const local = site.kiosk.store.page(0, 1e6);
    const rows = await site.registryRows();
    expect(rows.length).toBe(local.length);
    expect(site.kiosk.status().chain).toMatchObject({ ok: true });
  });
});
