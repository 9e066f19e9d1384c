// Opens the registry's database from the command line's choice — PostgreSQL (`--db URL`),
// PGlite in a folder (`--data DIR`) or PGlite in memory — and brings its schema up to date.
import { openPglite, openPostgres, type Db } from './db.js';
import { ensurePartitions, migrateRegistry } from './migrations.js';

export type RegistryStorage = { kind: 'postgres'; url: string } | { kind: 'pglite'; dir: string | null };

export async function openRegistryDb(storage: RegistryStorage): Promise<Db> {
  const db = storage.kind === 'postgres' ? await openPostgres(storage.url) : await openPglite(storage.dir ?? undefined);
  try {
    await migrateRegistry(db);
    await ensurePartitions(db);
  } catch (err) {
    await db.close().catch(() => {});
    throw new Error(`cannot prepare the registry database: ${(err as Error).message}`);
  }
  return db;
}
