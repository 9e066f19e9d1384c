// A kiosk whose registry is down when it starts: it checks people in and drains its queue when the registry returns.
// One site per file: the PC/SC binding is opened once per process (drivers/pcsc).
import { afterAll, describe, expect, it } from 'vitest';
import { SHARP_FACES, startSite, type TestSite } from './fixtures/site.js';

let site: TestSite | null = null;
afterAll(async () => {
  await site?.stop();
});
const P = SHARP_FACES;

describe('the kiosk with its registry down at start', () => {
  it('starts with its registry down, checks people in, and drains the queue when it returns', async () => {
    site = await startSite('hospital', { registryDownAtStart: true });
    const s = site;
    await s.waitFor(() => s.kiosk.status().sync.lastError !== null, 'the kiosk notices the registry is down');
    expect(s.kiosk.status().sync).toMatchObject({
      enrolled: true,
      online: false,
      lastError: expect.stringMatching(/cannot reach the registry/),
    });
    for (const i of [P[0]!, P[1]!]) {
      const d = await s.checkIn(i);
      expect(d.decision.decision).toBe('admitted');
    }
    const st = s.kiosk.status();
    expect(st.sync.queued).toBe(2);
    expect(st.sync.oldestUnsyncedAgeMs).toBeGreaterThanOrEqual(0);
    await s.registryUp();
    await s.waitFor(() => s.kiosk.store.queue().length === 0, 'the queue drains by itself', 15_000);
    expect((await s.registryRows()).length).toBe(2);
    await s.waitFor(() => s.kiosk.status().sync.online, 'the status says online');
  }, 60_000);
});
