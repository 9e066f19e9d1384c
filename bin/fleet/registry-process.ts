// The fleet's own registry: `kiosk registry --data DIR` (PGlite) in a child process, as a
// site's registry runs apart from its kiosks, so its work is not queued behind the fleet's
// on one event loop. Its data is prepared here first (site configuration, roster, one code
// for N kiosks) and read here again after it stopped (the exactly-once check): PGlite opens
// a folder in one process at a time.
import { publishDataset } from '../../registry/datasets.js';
import type { Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { openRegistryDb } from '../../registry/open.js';
import { simRoster, simSiteConfigItems } from '../../simulator/site-data.js';
import { startRegistryChild, type RegistryChild } from '../registry-child.js';

export type RegistryProcess = RegistryChild;

/** Publishes the simulator's site data for `site` and issues one code for `kiosks` kiosks. */
export async function prepareRegistry(
  dir: string,
  o: { kind: 'hospital' | 'airport'; site: string; seed: string; day: string; kiosks: number },
): Promise<{ code: string }> {
  const db = await openRegistryDb({ kind: 'pglite', dir });
  try {
    // The face step is off at this site: a fleet in one process has no cameras (docs/SIMULATOR.md, "Fleet").
    await publishDataset(db, 'site-config', o.site, simSiteConfigItems(o.kind, { required: false }));
    await publishDataset(db, 'roster', o.site, simRoster(o.kind, o.seed, o.day));
    const { code } = await issueEnrolCode(db, o.site, 1, o.kiosks);
    return { code };
  } finally {
    await db.close();
  }
}

export function openRegistryData(dir: string): Promise<Db> {
  return openRegistryDb({ kind: 'pglite', dir });
}

/** The fleet's registry on its prepared folder. */
export function startRegistryProcess(dir: string): Promise<RegistryChild> {
  return startRegistryChild({ storage: ['--data', dir], env: { KIOSK_LOG_LEVEL: process.env['KIOSK_LOG_LEVEL'] ?? 'error' } });
}
