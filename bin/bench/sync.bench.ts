// Store, sync and registry benchmarks on a real PostgreSQL server (a throwaway cluster),
// the registry in its own process (`kiosk registry --db …`) so the kiosk's memory is the
// kiosk's alone:
//  - kiosk-side record (check-in + outbox, one durable transaction): p50/p99, beside a bare
//    single-row SQLite insert with the same settings;
//  - drain of a 100,000 check-in backlog: check-ins/s and peak kiosk memory (and a 10,000
//    backlog's, to show memory does not grow with the backlog), beside the same rows inserted
//    straight into PostgreSQL with multi-row INSERTs of the same batch size.
// Ingest from 50 kiosks in parallel moved to fleet.bench.ts (`npm run bench -- --filter fleet`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { KioskStore, type CheckInInput } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol, RegistryClient, type KioskCredentials } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import { openPostgres, type Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { startPostgresCluster } from '../../registry/postgres-cluster.js';
import type { RegistryChild } from '../registry-child.js';
import { pct, rowsOf, say, startRegistryProcess, straightInsert } from './registry-common.js';
import type { BenchRow, Benchmark } from './types.js';

const BACKLOG = 100_000;
const SMALL_BACKLOG = 10_000;
const BATCH = 500;

const SAMPLE: CheckInInput = {
  site: 'bench-site',
  workflow: 'airport-boarding',
  decision: 'admitted',
  reasons: [],
  matchScore: 0.71,
  verification: { passive: 'verified', chip: 'verified', active: 'verified', validity: 'in-date', face: 'match' },
  identity: { idNumber: '001099012345', flight: 'VN213' },
};
/** Fills a store quickly (one transaction: setup, not what is measured). */
function fill(store: KioskStore, n: number, site: string): void {
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) store.record({ ...SAMPLE, site });
  })();
}

async function enrolStore(db: Db, registryUrl: string, site: string, name: string): Promise<KioskCredentials> {
  const { code } = await issueEnrolCode(db, site);
  return enrol(registryUrl, code, name);
}

function recordLatency(dir: string): BenchRow[] {
  const store = new KioskStore(join(dir, 'latency.db'));
  const times: number[] = [];
  for (let i = 0; i < 3000; i++) {
    const t = performance.now();
    store.record(SAMPLE);
    times.push(performance.now() - t);
  }
  store.close();
  const bare = new Database(join(dir, 'bare.db'));
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = FULL');
  bare.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
  const ins = bare.prepare('INSERT INTO t (v) VALUES (?)');
  const baseline: number[] = [];
  const payload = JSON.stringify(SAMPLE);
  for (let i = 0; i < 3000; i++) {
    const t = performance.now();
    ins.run(payload);
    baseline.push(performance.now() - t);
  }
  bare.close();
  const p99 = pct(times, 99);
  return [
    {
      bench: 'kiosk record (check-in + outbox, 1 tx)',
      metric: 'p50 of 3000',
      value: pct(times, 50),
      unit: 'ms',
      baseline: pct(baseline, 50),
      ratio: pct(times, 50) / pct(baseline, 50),
    },
    {
      bench: 'kiosk record (check-in + outbox, 1 tx)',
      metric: 'p99 of 3000',
      value: p99,
      unit: 'ms',
      baseline: pct(baseline, 99),
      ratio: p99 / pct(baseline, 99),
      target: '≤ 5 ms',
      pass: p99 <= 5,
    },
  ];
}

async function drain(engine: SyncEngine): Promise<{ seconds: number; peakRssMb: number; startRssMb: number }> {
  global.gc?.();
  const startRss = process.memoryUsage().rss;
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t = performance.now();
  await engine.drain();
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds, peakRssMb: peak / 1e6, startRssMb: startRss / 1e6 };
}

export const benchmarks: Benchmark[] = [
  {
    name: 'sync',
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
      say('starting a throwaway PostgreSQL cluster');
      const cluster = await startPostgresCluster();
      let registry: RegistryChild | null = null;
      const admin = await openPostgres(cluster.url);
      try {
        say('kiosk record latency');
        const rows: BenchRow[] = recordLatency(dir);
        registry = await startRegistryProcess(cluster.url);
        const [dummy] = await admin.query<{ id: string }>(
          "INSERT INTO kiosks (id, site, name, public_key) VALUES (gen_random_uuid(), 'baseline', 'baseline', '\\x00') RETURNING id",
        );

        for (const n of [SMALL_BACKLOG, BACKLOG]) {
          say(`filling a backlog of ${n}`);
          const store = new KioskStore(join(dir, `backlog-${n}.db`));
          // Enrolled first: each check-in is signed with the kiosk's key as it is written.
          const creds = await enrolStore(admin, registry.url, 'bench-site', `drain ${n}`);
          saveCredentials(store, creds);
          fill(store, n, 'bench-site');
          const records = n === BACKLOG ? rowsOf(store) : [];
          let baselineRate = 0;
          if (n === BACKLOG) {
            say('baseline: the same rows by multi-row INSERT straight into PostgreSQL');
            const t = performance.now();
            await straightInsert(admin, records, dummy!.id, BATCH);
            baselineRate = records.length / ((performance.now() - t) / 1000);
            await admin.query('TRUNCATE checkins');
          }
          const engine = new SyncEngine(store, new RegistryClient(creds, 60_000), { batchRecords: BATCH, batchBytes: 1_000_000 });
          say(`draining ${n} check-ins to the registry`);
          const d = await drain(engine);
          if (store.queue().length !== 0) throw new Error(`drain left ${store.queue().length} queued`);
          store.close();
          const rate = n / d.seconds;
          if (n === BACKLOG) {
            rows.push(
              {
                bench: `drain ${n} backlog → registry (PostgreSQL)`,
                metric: 'check-ins/s',
                value: rate,
                unit: '/s',
                baseline: baselineRate,
                ratio: rate / baselineRate,
                target: '≥ 5000/s and ≥ 0.5',
                pass: rate >= 5000 && rate / baselineRate >= 0.5,
              },
              {
                bench: `drain ${n} backlog → registry (PostgreSQL)`,
                metric: 'peak kiosk RSS (start of drain as baseline)',
                value: d.peakRssMb,
                unit: 'MB',
                baseline: d.startRssMb,
                ratio: d.peakRssMb / d.startRssMb,
              },
            );
          } else {
            rows.push({
              bench: `drain ${n} backlog → registry (PostgreSQL)`,
              metric: 'check-ins/s; peak kiosk RSS',
              value: rate,
              unit: `/s; peak RSS ${d.peakRssMb.toFixed(0)} MB`,
            });
          }
          await admin.query('TRUNCATE checkins');
        }

        return rows;
      } finally {
        await registry?.stop();
        await admin.close();
        cluster.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
