// Where a kiosk keeps its registry identity: in its own database (meta table). The private
// key is a device key, not personal data; the database file is readable by the kiosk user only.
import type { KioskStore } from '../store/kiosk-store.js';
import type { KioskCredentials } from './registry-client.js';

export function loadCredentials(store: KioskStore): KioskCredentials | null {
  const raw = store.getMeta('registry.credentials');
  if (!raw) return null;
  let c: Partial<KioskCredentials>;
  try {
    c = JSON.parse(raw) as Partial<KioskCredentials>;
  } catch {
    throw new Error('the registry identity in the kiosk database is damaged; enrol the kiosk again (kiosk sync enrol) with a new code');
  }
  return typeof c.kioskId === 'string' &&
    typeof c.site === 'string' &&
    typeof c.privateKey === 'string' &&
    typeof c.registryUrl === 'string'
    ? (c as KioskCredentials)
    : null;
}

export function saveCredentials(store: KioskStore, c: KioskCredentials): void {
  store.setMeta('registry.credentials', JSON.stringify(c));
  store.audit('registry.enrolled', { kioskId: c.kioskId, site: c.site, registryUrl: c.registryUrl });
}
