// A new trust list published on the registry applies without a restart.
// One site per file: the PC/SC binding is opened once per process (drivers/pcsc).
import { afterAll, describe, expect, it } from 'vitest';
import { publishDataset } from '../../registry/datasets.js';
import { simTrustItems } from '../../simulator/site-data.js';
import { SHARP_FACES, startSite, type TestSite } from './fixtures/site.js';

let site: TestSite | null = null;
afterAll(async () => {
  await site?.stop();
});
const P = SHARP_FACES;

describe('reference data, live', () => {
  it('applies a new trust list without a restart', async () => {
    site = await startSite('hospital', { localTrust: false });
    const s = site;
    const before = await s.checkIn(P[0]!);
    expect(before.decision).toMatchObject({ decision: 'refused', reasons: ['chip-issuer-unknown'] });
    await publishDataset(s.registry.db, 'trust', null, simTrustItems(s.pki));
    await s.waitFor(() => s.kiosk.reference.status()['trust']!.version > 0, 'the kiosk applies the trust list', 10_000);
    expect(s.kiosk.reference.trust.cscas.length).toBe(1);
    const after = await s.checkIn(P[1]!);
    expect(after.decision).toMatchObject({ decision: 'admitted', reasons: [] });
  }, 60_000);
});
