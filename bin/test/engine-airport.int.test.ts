// The airport workflow through the real stack: boarding passes and front QR codes on the
// virtual scanner, chips behind a private pcscd + vpcd, a looping camera, the engine, its
// store and the registry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlightEntry } from '../../main/protocol/datasets.js';
import { publishDataset } from '../../registry/datasets.js';
import { simFlights, simRoster } from '../../simulator/site-data.js';
import { SEED, SHARP_FACES, startSite, type TestSite } from './fixtures/site.js';

let site: TestSite;
const P = SHARP_FACES;

beforeAll(async () => {
  site = await startSite('airport', {
    config: (c) => ({ ...c, face: { ...c.face, required: true, retries: 0 }, timeouts: { ...c.timeouts, waitMs: 5000 } }),
  });
}, 60_000);

afterAll(async () => {
  await site?.stop();
});

describe('airport boarding through pcscd, the virtual scanner and the camera', () => {
  it('boards a passenger who scans the pass first', async () => {
    await site.show(P[0]!);
    const d = await site.checkIn(P[0]!);
    expect(d.decision).toMatchObject({
      decision: 'admitted',
      reasons: [],
      face: { status: 'matched' },
      flight: { id: expect.stringMatching(/^[A-Z]{2}\d+$/) },
    });
    expect(d.record).toMatchObject({
      workflow: 'airport-boarding',
      verification: { name: expect.stringMatching(/^match/), flight: 'boarding' },
    });
    expect(d.record.identity).toEqual({
      idNumber: expect.stringMatching(/^\d{12}$/),
      flight: d.decision.flight!.id,
      salt: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('boards a passenger who places the card first and scans the pass after', async () => {
    await site.show(P[1]!);
    const d = await site.checkIn(P[1]!, { passAfter: true });
    expect(d.decision.decision).toBe('admitted');
  });

  it("refuses someone else's boarding pass", async () => {
    await site.show(P[2]!);
    const someoneElse = (await site.card(P[3]!)).citizen;
    const d = await site.checkIn(P[2]!, { passFor: someoneElse });
    expect(d.decision).toMatchObject({ decision: 'refused', reasons: ['name-mismatch'] });
  });

  it('refuses a passenger who already boarded', async () => {
    await site.show(P[0]!);
    const d = await site.checkIn(P[0]!);
    expect(d.decision).toMatchObject({ decision: 'refused', reasons: ['already-boarded'] });
  });

  it("refuses a pass for another day and a flight not in today's roster", async () => {
    const c = await site.card(P[4]!);
    const tomorrow = new Date(Date.parse(site.today) + 86_400_000).toISOString().slice(0, 10);
    await site.scanPass(c.citizen, simFlights(SEED, tomorrow));
    await site.scanQr(c.citizen);
    const decided = site.kiosk.nextDecision(20_000);
    const vpcd = await site.insert(c);
    const d = await decided;
    await site.remove(vpcd);
    expect(d.decision.decision).toBe('refused');
    expect(d.decision.reasons).toEqual(expect.arrayContaining(['pass-not-for-today', 'flight-not-found']));
  });

  it('refuses a cloned chip before looking at the face', async () => {
    const d = await site.checkIn(P[5]!, { card: { faults: ['cloned'] } });
    expect(d.decision).toMatchObject({ decision: 'refused', reasons: ['chip-cloned'], face: { status: 'not-checked' } });
  });

  it('refers a passenger whose face does not match', async () => {
    await site.show(P[7]!);
    const d = await site.checkIn(P[6]!);
    expect(d.decision).toMatchObject({ decision: 'referred', reasons: ['face-mismatch'] });
  });

  it('records a refusal when the chip was read but no boarding pass came', async () => {
    await site.show(P[8]!);
    const c = await site.card(P[8]!);
    await site.scanQr(c.citizen);
    const decided = site.kiosk.nextDecision(20_000);
    const vpcd = await site.insert(c);
    await site.waitFor(() => site.kiosk.view().screen === 'waiting-pass', 'the kiosk asks for the pass');
    const d = await decided;
    await site.remove(vpcd);
    expect(d.decision).toMatchObject({ decision: 'refused', reasons: ['no-boarding-pass'] });
  });

  it('refuses boarding when a new roster closes the flights, and at a gate the site configuration moves', async () => {
    const siteId = `test-airport`;
    const open = simRoster('airport', SEED, site.today);
    const version = () => site.kiosk.reference.status();
    // Every flight closes: published on the registry, applied on the kiosk without a restart.
    const closed = open.map((i) => ({ key: i.key, value: { ...(i.value as FlightEntry), status: 'closed' as const } }));
    let v = version()['roster']!.version;
    await publishDataset(site.registry.db, 'roster', siteId, closed);
    await site.waitFor(() => version()['roster']!.version > v, 'the kiosk applies the new roster');
    await site.show(P[9]!);
    expect((await site.checkIn(P[9]!)).decision).toMatchObject({ decision: 'refused', reasons: ['flight-closed'] });
    v = version()['roster']!.version;
    await publishDataset(site.registry.db, 'roster', siteId, open);
    await site.waitFor(() => version()['roster']!.version > v, 'the flights open again');
    // This kiosk now stands at gate Z9; no flight boards there.
    const c = version()['site-config']!.version;
    await publishDataset(site.registry.db, 'site-config', siteId, [
      { key: 'site', value: { ...site.kiosk.reference.siteConfig, airport: { code: 'HAN', gate: 'Z9' } } },
    ]);
    await site.waitFor(() => version()['site-config']!.version > c, 'the kiosk applies the new configuration');
    await site.show(P[10]!);
    expect((await site.checkIn(P[10]!)).decision).toMatchObject({ decision: 'refused', reasons: ['wrong-gate'] });
  });

  it('sent every decision to the registry once, and the chain holds', async () => {
    await site.waitFor(() => site.kiosk.store.queue().length === 0, 'all check-ins synced', 15_000);
    const rows = await site.registryRows();
    expect(rows.map((r) => r.decision)).toEqual(site.kiosk.store.page(0, 1e6).map((r) => r.decision));
    expect(site.kiosk.status().chain.ok).toBe(true);
  });
});
