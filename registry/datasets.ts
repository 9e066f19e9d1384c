// Reference data (trust store and CRLs, site configuration, rosters): each publication of a
// dataset's whole content becomes a new version; items carry the version that last changed
// them, so any checkpoint gets one delta to the current version. Trust is one version line
// for the whole fleet; site-config and roster have a line per site, and a kiosk is served
// its enrolled site's line (never a site named in the request).
import { parseDatasetItem, SITE_CONFIG_KEY } from '../main/protocol/datasets.js';
import {
  canonicalJson,
  CheckInRecord,
  datasetItemSigningText,
  type DatasetDelta,
  type DatasetName,
} from '../main/protocol/registry-protocol.js';
import type { Db, Queryable } from './db.js';
import { registryKey } from './keys.js';
import { TickBatch } from './tick-batch.js';

/** The `site` of the global version line; no site is named by the empty string. */
export const GLOBAL_LINE = '';

export function isPerSite(dataset: DatasetName): boolean {
  return dataset !== 'trust';
}

/** The version line a kiosk of `kioskSite` reads for `dataset`. */
export function lineFor(dataset: DatasetName, kioskSite: string): string {
  return isPerSite(dataset) ? kioskSite : GLOBAL_LINE;
}

/** A publication refused before anything was written; the message names the key and field. */
export class DatasetRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetRefusal';
  }
}

/** Which line a publication goes to: a site for site-config and roster, none for trust. */
export function publicationLine(dataset: DatasetName, site: string | null): string {
  if (!isPerSite(dataset)) {
    if (site !== null) throw new DatasetRefusal(`${dataset} is the same for every site: publish it without a site`);
    return GLOBAL_LINE;
  }
  if (site === null) throw new DatasetRefusal(`${dataset} is published per site: name the site`);
  if (!CheckInRecord.shape.site.safeParse(site).success)
    throw new DatasetRefusal(`site "${site.slice(0, 80)}": use letters, digits, dot, dash or underscore (at most 64)`);
  return site;
}

/** Checks a whole publication: unique keys, every item in its dataset's format, one site item. */
export function checkPublication(dataset: DatasetName, items: { key: string; value: unknown }[]): void {
  const keys = new Set<string>();
  for (const i of items) {
    if (keys.has(i.key)) throw new DatasetRefusal(`dataset ${dataset}: key "${i.key}" appears twice`);
    keys.add(i.key);
  }
  // A kiosk with no or two site configurations would not know how to behave.
  if (dataset === 'site-config' && items.length !== 1)
    throw new DatasetRefusal(`site-config is exactly one item, key "${SITE_CONFIG_KEY}" (this file has ${items.length})`);
  for (const i of items) {
    try {
      parseDatasetItem(dataset, i.key, i.value);
    } catch (err) {
      throw new DatasetRefusal((err as Error).message);
    }
  }
}

export async function publishDataset(
  db: Db,
  dataset: DatasetName,
  site: string | null,
  items: { key: string; value: unknown }[],
): Promise<{ version: number; changed: number; removed: number }> {
  const line = publicationLine(dataset, site);
  checkPublication(dataset, items);
  const keys = new Set(items.map((i) => i.key));
  return db.tx(async (q) => {
    const key = await registryKey(q);
    const signed = (k: string, v: number, value: unknown, deleted: boolean) =>
      key.sign(datasetItemSigningText(dataset, line, k, v, value, deleted));
    await q.query('INSERT INTO dataset_versions (dataset, site, version) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [dataset, line]);
    const [v] = await q.query<{ version: string }>('SELECT version FROM dataset_versions WHERE dataset = $1 AND site = $2 FOR UPDATE', [
      dataset,
      line,
    ]);
    const version = Number(v!.version) + 1;
    const current = new Map(
      (
        await q.query<{ key: string; value: unknown; deleted: boolean }>(
          'SELECT key, value, deleted FROM dataset_items WHERE dataset = $1 AND site = $2',
          [dataset, line],
        )
      ).map((r) => [r.key, r]),
    );
    let changed = 0;
    let removed = 0;
    for (const i of items) {
      const c = current.get(i.key);
      if (c && !c.deleted && canonicalJson(c.value) === canonicalJson(i.value)) continue;
      await q.query(
        'INSERT INTO dataset_items (dataset, site, key, value, version, deleted, sig) VALUES ($1, $2, $3, $4, $5, false, $6) ON CONFLICT (dataset, site, key) DO UPDATE SET value = excluded.value, version = excluded.version, deleted = false, sig = excluded.sig',
        [dataset, line, i.key, JSON.stringify(i.value), version, signed(i.key, version, i.value, false)],
      );
      changed++;
    }
    for (const [key, c] of current) {
      if (c.deleted || keys.has(key)) continue;
      await q.query(
        'UPDATE dataset_items SET value = NULL, deleted = true, version = $4, sig = $5 WHERE dataset = $1 AND site = $2 AND key = $3',
        [dataset, line, key, version, signed(key, version, null, true)],
      );
      removed++;
    }
    await q.query('UPDATE dataset_versions SET version = $3, published_at = now() WHERE dataset = $1 AND site = $2', [
      dataset,
      line,
      version,
    ]);
    return { version, changed, removed };
  });
}

/** The delta from `since` on one version line (`lineFor` the asking kiosk). */
export async function datasetDelta(db: Db, dataset: DatasetName, line: string, since: number): Promise<DatasetDelta> {
  return db.tx(async (q) => {
    const [v] = await q.query<{ version: string }>('SELECT version FROM dataset_versions WHERE dataset = $1 AND site = $2', [
      dataset,
      line,
    ]);
    const to = v ? Number(v.version) : 0;
    if (since >= to) return { dataset, from: since, to: Math.max(to, since), changes: [] };
    const rows = await q.query<{ key: string; value: unknown; deleted: boolean; version: string; sig: string | null }>(
      'SELECT key, value, deleted, version, sig FROM dataset_items WHERE dataset = $1 AND site = $2 AND version > $3 ORDER BY key',
      [dataset, line, since],
    );
    return {
      dataset,
      from: since,
      to,
      changes: rows.map((r) => ({
        key: r.key,
        value: r.deleted ? null : r.value,
        deleted: r.deleted,
        version: Number(r.version),
        sig: r.sig ?? '',
      })),
    };
  });
}

/** Items published before the registry signed them (registry migration 5) get their signature. */
export async function signUnsignedItems(db: Queryable): Promise<number> {
  const rows = await db.query<{ dataset: string; site: string; key: string; value: unknown; version: string; deleted: boolean }>(
    'SELECT dataset, site, key, value, version, deleted FROM dataset_items WHERE sig IS NULL',
  );
  if (rows.length === 0) return 0;
  const key = await registryKey(db);
  for (const r of rows)
    await db.query('UPDATE dataset_items SET sig = $4 WHERE dataset = $1 AND site = $2 AND key = $3', [
      r.dataset,
      r.site,
      r.key,
      key.sign(datasetItemSigningText(r.dataset, r.site, r.key, Number(r.version), r.deleted ? null : r.value, r.deleted)),
    ]);
  return rows.length;
}

/**
 * The current version of version lines, read in groups (registry/tick-batch.ts): the polls that
 * arrive in one turn of the event loop share one indexed SELECT. A poll with nothing new (most
 * of them: a fleet polls every minute, data changes a few times a day) is answered from that
 * alone, without a transaction; every answer is the database's at the time of the request, so
 * several registry processes behind a load balancer answer alike, with no cache to invalidate.
 */
const readers = new WeakMap<Queryable, TickBatch<{ dataset: DatasetName; line: string }, number>>();
export function currentVersion(db: Queryable, dataset: DatasetName, line: string): Promise<number> {
  let r = readers.get(db);
  if (!r)
    readers.set(
      db,
      (r = new TickBatch(async (group) => {
        const rows = await db.query<{ dataset: string; site: string; version: string }>(
          `SELECT v.dataset, v.site, v.version FROM dataset_versions v
             JOIN unnest($1::text[], $2::text[]) AS u(dataset, site) ON v.dataset = u.dataset AND v.site = u.site`,
          [group.map((g) => g.dataset), group.map((g) => g.line)],
        );
        const found = new Map(rows.map((row) => [`${row.dataset}/${row.site}`, Number(row.version)]));
        return group.map((g) => found.get(`${g.dataset}/${g.line}`) ?? 0);
      })),
    );
  return r.call({ dataset, line });
}
