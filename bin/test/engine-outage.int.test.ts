// A registry lost mid-way: check-ins queue, and arrive once it is back.
// One site per file: the PC/SC binding is opened once per process (drivers/pcsc).
import { afterAll, describe, expect, it } from 'vitest';
import { SHARP_FACES, startSite, type TestSite } from './fixtures/site.js';

let site: TestSite | null = null;
afterAll(async () => {
  await site?.stop();
});
const P = SHARP_FACES;

describe('the kiosk losing its registry mid-way', () => {
  it('loses the registry mid-way and loses nothing', async () => {
    site = await startSite('airport');
    const s = site;
    expect((await s.checkIn(P[0]!)).decision.decision).toBe('admitted');
    await s.waitFor(() => s.kiosk.store.queue().length === 0, 'first check-in synced');
    await s.registryDown();
    for (const i of [P[1]!, P[2]!, P[3]!]) expect((await s.checkIn(i)).decision.decision).toBe('admitted');
    await s.waitFor(() => s.kiosk.status().sync.online === false, 'the kiosk notices');
    expect(s.kiosk.status().sync.queued).toBe(3);
    await s.registryUp();
    await s.waitFor(() => s.kiosk.store.queue().length === 0, 'the queue drains', 15_000);
    const rows = await s.registryRows();
    expect(rows.length).toBe(4);
    expect(rows.every((r) => r.decision === 'admitted')).toBe(true);
  }, 60_000);
});
