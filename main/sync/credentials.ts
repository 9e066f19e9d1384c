// Where a kiosk keeps its registry identity: its id, site, the registry's address and pinned
// key in its own database (meta table); the private key in a 0600 file beside the database,
// never in it (KioskStore.setDeviceIdentity / deviceKey). Databases of earlier versions had
// the key in the meta table: the store moves it out when it opens them.
import type { KioskStore } from '../store/kiosk-store.js';
import type { KioskCredentials } from './registry-client.js';

const META = 'registry.credentials';

export function loadCredentials(store: KioskStore): KioskCredentials | null {
  const raw = store.getMeta(META);
  if (!raw) return null;
  let c: Partial<KioskCredentials>;
  try {
    c = JSON.parse(raw) as Partial<KioskCredentials>;
  } catch {
    throw new Error('the registry identity in the kiosk database is damaged; enrol the kiosk again (kiosk sync enrol) with a new code');
  }
  // A read-only store of an older version still has the key in the meta table.
  const privateKey = typeof c.privateKey === 'string' ? c.privateKey : store.deviceKey();
  if (typeof c.kioskId !== 'string' || typeof c.site !== 'string' || typeof c.registryUrl !== 'string') return null;
  if (!privateKey)
    throw new Error(
      `the kiosk's key file ${store.keyPath ?? ''} is missing: this kiosk cannot sign; enrol it again (kiosk sync enrol) with a new code`,
    );
  return { ...(c as KioskCredentials), privateKey };
}

/** Keeps what enrolment gave: the key in the key file, the rest in the database. */
export function saveCredentials(store: KioskStore, c: KioskCredentials): void {
  store.setDeviceIdentity(c.kioskId, c.privateKey);
  writeMeta(store, c);
  store.audit('registry.enrolled', { kioskId: c.kioskId, site: c.site, registryUrl: c.registryUrl });
}

/** Changes what the kiosk knows of its registry (e.g. its address), never the key. */
export function updateCredentials(store: KioskStore, c: KioskCredentials): void {
  writeMeta(store, c);
}

function writeMeta(store: KioskStore, c: KioskCredentials): void {
  const { privateKey: _key, ...rest } = c;
  store.setMeta(META, JSON.stringify(rest));
}
