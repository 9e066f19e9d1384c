// The registry's database: PostgreSQL through `pg`, or PGlite (the same SQL, in process) for
// `npm start` and quick use. Both behind one small interface.
import { chmodSync, mkdirSync } from 'node:fs';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type { Pool, PoolClient } from 'pg';

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction (READ COMMITTED), committed if it returns, rolled back if it throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Connections a registry process keeps to PostgreSQL: see docs/STORE-SYNC-REGISTRY.md, "Capacity plan". */
export const DEFAULT_POOL_SIZE = 20;

export async function openPostgres(url: string, options: { poolSize?: number } = {}): Promise<Db> {
  const pg = await import('pg');
  const pool: Pool = new pg.default.Pool({
    connectionString: url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 10_000,
  });
  pool.on('error', () => {}); // an idle client lost: the pool replaces it
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`cannot reach PostgreSQL at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  const run = async <T>(c: Pool | PoolClient, sql: string, params?: unknown[]) => (await c.query(sql, params as unknown[])).rows as T[];
  return {
    kind: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const out = await fn({ query: (sql, params) => run(client, sql, params) });
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** PGlite in memory (`dir` undefined) or in a folder, which is its owner's alone (0700: it holds personal data). */
export async function openPglite(dir?: string): Promise<Db> {
  if (dir) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
  }
  const { PGlite: PGliteClass } = await import('@electric-sql/pglite');
  const db: PGlite = await PGliteClass.create(dir);
  const run = async <T>(c: PGlite | Transaction, sql: string, params?: unknown[]) => (await c.query<T>(sql, params)).rows;
  return {
    kind: 'pglite',
    query: (sql, params) => run(db, sql, params),
    tx: (fn) => db.transaction((t) => fn({ query: (sql, params) => run(t, sql, params) })),
    close: () => db.close(),
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
