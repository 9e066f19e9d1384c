// Retention at the registry: the identity (the personal fields) of check-ins older than
// their site's retention is removed; the decision record stays, with its identity digest and
// hash, so each kiosk's chain can still be checked. A site's retention is set with
// `kiosk registry retention`; without one, the default (its own row, or 90 days).
import type { Logger } from 'pino';
import type { Db } from './db.js';

export const DEFAULT_REGISTRY_RETENTION_DAYS = 90;
/** The site_retention row that holds the default for every site without its own. */
export const DEFAULT_SITE = '*';

export async function setRetention(db: Db, site: string | null, days: number): Promise<void> {
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new Error('retention is 1 to 3650 days');
  await db.query('INSERT INTO site_retention (site, days) VALUES ($1, $2) ON CONFLICT (site) DO UPDATE SET days = excluded.days', [
    site ?? DEFAULT_SITE,
    days,
  ]);
}

/** The default and each site's own retention, in days. */
export async function retentionSettings(db: Db): Promise<{ defaultDays: number; sites: Record<string, number> }> {
  const rows = await db.query<{ site: string; days: number }>('SELECT site, days FROM site_retention ORDER BY site');
  const def = rows.find((r) => r.site === DEFAULT_SITE)?.days ?? DEFAULT_REGISTRY_RETENTION_DAYS;
  return { defaultDays: def, sites: Object.fromEntries(rows.filter((r) => r.site !== DEFAULT_SITE).map((r) => [r.site, r.days])) };
}

/** Removes the identity of every check-in older than its site's retention; returns how many, by site. */
export async function purgeIdentities(db: Db, now: Date = new Date()): Promise<Record<string, number>> {
  const rows = await db.query<{ site: string; n: string }>(
    `WITH purged AS (
       UPDATE checkins c SET identity = NULL, purged_at = $1
       WHERE c.identity IS NOT NULL
         AND c.recorded_at < $1::timestamptz - make_interval(days => coalesce(
           (SELECT r.days FROM site_retention r WHERE r.site = c.site),
           (SELECT r.days FROM site_retention r WHERE r.site = $2),
           $3::int))
       RETURNING c.site)
     SELECT site, count(*) AS n FROM purged GROUP BY site ORDER BY site`,
    [now.toISOString(), DEFAULT_SITE, DEFAULT_REGISTRY_RETENTION_DAYS],
  );
  return Object.fromEntries(rows.map((r) => [r.site, Number(r.n)]));
}

/** Runs the purge now and every `everyMs` (an hour by default); the stop waits for a purge under way. */
export function startRetention(db: Db, log: Logger, everyMs = 3_600_000): () => Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const run = () => {
    running = running.then(() =>
      purgeIdentities(db).then(
        (bySite) => {
          if (Object.keys(bySite).length) log.info({ purged: bySite }, 'retention: identities removed from old check-ins');
        },
        (err: Error) => log.error({ err: err.message }, 'retention purge failed'),
      ),
    );
  };
  run();
  const timer = setInterval(run, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
