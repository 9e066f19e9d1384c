// The kiosk's background sync: the engine over the kiosk store, its state shown as the
// registry device status and logged when it changes (last error in words).
import type { KioskStore } from '../store/kiosk-store.js';
import { RegistryClient, type KioskCredentials } from '../sync/registry-client.js';
import { SyncEngine, type SyncOptions, type SyncStatus } from '../sync/sync-engine.js';
import type { Logger } from './logger.js';

/** Personal fields of acknowledged check-ins are kept this long by default (site policy may set another). */
export const DEFAULT_RETENTION_DAYS = 30;

/** Retention, hourly: acknowledged check-ins older than the retention lose their personal fields. */
export function startRetention(store: KioskStore, retentionDays: () => number, log: Logger): () => void {
  const purge = () => {
    try {
      const days = retentionDays();
      const n = store.purgeIdentities(days * 86_400_000);
      if (n) log.info({ checkins: n, retentionDays: days }, 'personal fields purged from acknowledged check-ins');
    } catch (err) {
      log.error({ err: (err as Error).message }, 'retention purge failed');
    }
  };
  purge();
  const timer = setInterval(purge, 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}

export function startSyncService(
  store: KioskStore,
  credentials: KioskCredentials,
  log: Logger,
  onOnline: (online: boolean) => void,
  options: Partial<SyncOptions> = {},
): SyncEngine {
  const engine = new SyncEngine(store, new RegistryClient(credentials, undefined, options.now), options);
  // Failures are statuses (logged below when they change); the kiosk goes on offline.
  engine.on('error', () => undefined);
  engine.on('dataset-refused', (r: { dataset: string; version: number; problem: string }) =>
    log.error(r, 'the registry published a dataset that does not parse; the last good version stays in use'),
  );
  let last = '';
  engine.on('status', (s: SyncStatus) => {
    onOnline(s.online && s.lastError === null);
    const key = `${s.online}|${s.lastError}`;
    if (key === last) return;
    last = key;
    if (s.lastError)
      log.warn(
        { queued: s.queued, oldestUnsyncedAgeMs: s.oldestUnsyncedAgeMs, error: s.lastError, nextAttemptAt: s.nextAttemptAt },
        'registry sync failing; check-ins stay queued',
      );
    else log.info({ queued: s.queued, registry: credentials.registryUrl }, 'registry sync online');
  });
  engine.on('uploaded', (r: { sent: number; accepted: number; duplicate: number; rejected: number }) => log.debug(r, 'check-ins uploaded'));
  engine.on('datasets', (d: unknown) => log.info({ datasets: d }, 'reference data updated'));
  engine.start();
  return engine;
}
