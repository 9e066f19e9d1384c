// Reference data (trust store and CRLs, site configuration, rosters): each publication of a
// dataset's whole content becomes a new version; items carry the version that last changed
// them, so any checkpoint gets one delta to the current version.
import { canonicalJson, type DatasetDelta, type DatasetName } from '../main/protocol/registry-protocol.js';
import type { Db } from './db.js';

export async function publishDataset(db: Db, dataset: DatasetName, items: { key: string; value: unknown }[]): Promise<{ version: number; changed: number; removed: number }> {
  const keys = new Set<string>();
  for (const i of items) {
    if (keys.has(i.key)) throw new Error(`dataset ${dataset}: key "${i.key}" appears twice`);
    keys.add(i.key);
  }
  return db.tx(async (q) => {
    await q.query('INSERT INTO dataset_versions (dataset, version) VALUES ($1, 0) ON CONFLICT DO NOTHING', [dataset]);
    const [v] = await q.query<{ version: string }>('SELECT version FROM dataset_versions WHERE dataset = $1 FOR UPDATE', [dataset]);
    const version = Number(v!.version) + 1;
    const current = new Map((await q.query<{ key: string; value: unknown; deleted: boolean }>('SELECT key, value, deleted FROM dataset_items WHERE dataset = $1', [dataset])).map((r) => [r.key, r]));
    let changed = 0;
    let removed = 0;
    for (const i of items) {
      const c = current.get(i.key);
      if (c && !c.deleted && canonicalJson(c.value) === canonicalJson(i.value)) continue;
      await q.query('INSERT INTO dataset_items (dataset, key, value, version, deleted) VALUES ($1, $2, $3, $4, false) ON CONFLICT (dataset, key) DO UPDATE SET value = excluded.value, version = excluded.version, deleted = false', [dataset, i.key, JSON.stringify(i.value), version]);
      changed++;
    }
    for (const [key, c] of current) {
      if (c.deleted || keys.has(key)) continue;
      await q.query('UPDATE dataset_items SET value = NULL, deleted = true, version = $3 WHERE dataset = $1 AND key = $2', [dataset, key, version]);
      removed++;
    }
    await q.query('UPDATE dataset_versions SET version = $2, published_at = now() WHERE dataset = $1', [dataset, version]);
    return { version, changed, removed };
  });
}

export async function datasetDelta(db: Db, dataset: DatasetName, since: number): Promise<DatasetDelta> {
  return db.tx(async (q) => {
    const [v] = await q.query<{ version: string }>('SELECT version FROM dataset_versions WHERE dataset = $1', [dataset]);
    const to = v ? Number(v.version) : 0;
    if (since >= to) return { dataset, from: since, to: Math.max(to, since), changes: [] };
    const rows = await q.query<{ key: string; value: unknown; deleted: boolean }>('SELECT key, value, deleted FROM dataset_items WHERE dataset = $1 AND version > $2 ORDER BY key', [dataset, since]);
    return { dataset, from: since, to, changes: rows.map((r) => ({ key: r.key, value: r.deleted ? null : r.value, deleted: r.deleted })) };
  });
}
