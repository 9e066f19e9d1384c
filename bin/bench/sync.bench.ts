// Store, sync and registry benchmarks on a real PostgreSQL server (a throwaway cluster),
// the registry in its own process (`kiosk registry --db …`) so the kiosk's memory is the
// kiosk's alone:
//  - kiosk-side record (check-in + outbox, one durable transaction): p50/p99, beside a bare
//    single-row SQLite insert with the same settings;
//  - drain of a 100,000 check-in backlog: check-ins/s and peak kiosk memory (and a 10,000
//    backlog's, to show memory does not grow with the backlog), beside the same rows inserted
//    straight into PostgreSQL with multi-row INSERTs of the same batch size;
//  - ingest from 50 kiosks in parallel: check-ins/s and p99 request latency, beside the same
//    rows inserted straight by 50 parallel connections.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { z } from 'zod';
import type { CheckInRecord } from '../../main/protocol/registry-protocol.js';
import { KioskStore, type CheckInInput } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol, RegistryClient, type KioskCredentials } from '../../main/sync/registry-client.js';
import { SyncEngine } from '../../main/sync/sync-engine.js';
import { openPostgres, type Db } from '../../registry/db.js';
import { issueEnrolCode } from '../../registry/enrolment.js';
import { CHECKIN_COLUMNS, checkinRowValues } from '../../registry/ingest.js';
import { startPostgresCluster } from '../../registry/postgres-cluster.js';
import type { BenchRow, Benchmark } from './types.js';

const kioskBin = fileURLToPath(new URL('../kiosk', import.meta.url));
const BACKLOG = 100_000;
const SMALL_BACKLOG = 10_000;
const KIOSKS = 50;
const PER_KIOSK = 2_000;
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
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const say = (s: string) => process.stderr.write(`bench: ${s}\n`);

function startRegistryProcess(url: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(kioskBin, ['registry', '--db', url, '--port', '0', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KIOSK_LOG_LEVEL: 'error' },
  });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      try {
        resolve({ url: (JSON.parse(out) as { url: string }).url, child });
      } catch {
        /* not yet whole */
      }
    });
    child.once('exit', (code) => reject(new Error(`kiosk registry exited with ${code}`)));
  });
}

/** Fills a store quickly (one transaction: setup, not what is measured). */
function fill(store: KioskStore, n: number, site: string): void {
  store.db.transaction(() => {
    for (let i = 0; i < n; i++) store.record({ ...SAMPLE, site });
  })();
}

/** The rows a store would upload, for the straight-insert baselines. */
function rowsOf(store: KioskStore): CheckInRecord[] {
  const out: CheckInRecord[] = [];
  for (let page = store.page(0, 10_000); page.length; page = store.page(out[out.length - 1]!.seq, 10_000)) out.push(...page);
  return out;
}

async function straightInsert(db: Db, rows: CheckInRecord[], kioskId: string): Promise<void> {
  for (let at = 0; at < rows.length; at += BATCH) {
    const params: unknown[] = [];
    const values = rows.slice(at, at + BATCH).map((r) => {
      const b = params.length;
      params.push(...checkinRowValues(r, kioskId));
      return `(${CHECKIN_COLUMNS.map((_, i) => `$${b + i + 1}`).join(',')})`;
    });
    await db.query(`INSERT INTO checkins (${CHECKIN_COLUMNS.join(',')}) VALUES ${values.join(',')}`, params);
  }
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

class TimedClient extends RegistryClient {
  readonly times: number[] = [];
  override async request<T extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: T): Promise<z.infer<T>> {
    const t = performance.now();
    try {
      return await super.request(method, path, body, schema);
    } finally {
      this.times.push(performance.now() - t);
    }
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'sync',
    async run() {
      const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
      say('starting a throwaway PostgreSQL cluster');
      const cluster = await startPostgresCluster();
      let registry: { url: string; child: ChildProcess } | null = null;
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
            await straightInsert(admin, records, dummy!.id);
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

        say(`${KIOSKS} kiosks × ${PER_KIOSK} check-ins`);
        const fleet: { store: KioskStore; client: TimedClient }[] = [];
        const allRows: CheckInRecord[][] = [];
        for (let i = 0; i < KIOSKS; i++) {
          const store = new KioskStore(join(dir, `fleet-${i}.db`));
          const creds = await enrolStore(admin, registry.url, 'bench-site', `fleet ${i}`);
          saveCredentials(store, creds);
          fill(store, PER_KIOSK, 'bench-site');
          allRows.push(rowsOf(store));
          fleet.push({ store, client: new TimedClient(creds, 60_000) });
        }
        say('baseline: the same rows straight into PostgreSQL over 50 parallel connections');
        const straight = await openPostgres(cluster.url);
        let t = performance.now();
        await Promise.all(allRows.map((r) => straightInsert(straight, r, dummy!.id)));
        const baselineRate = (KIOSKS * PER_KIOSK) / ((performance.now() - t) / 1000);
        await straight.close();
        await admin.query('TRUNCATE checkins');
        say('ingest from 50 kiosks in parallel');
        t = performance.now();
        await Promise.all(fleet.map((k) => new SyncEngine(k.store, k.client, { batchRecords: BATCH, batchBytes: 1_000_000 }).drain()));
        const rate = (KIOSKS * PER_KIOSK) / ((performance.now() - t) / 1000);
        const latencies = fleet.flatMap((k) => k.client.times);
        for (const k of fleet) k.store.close();
        const [count] = await admin.query<{ n: string }>('SELECT count(*) AS n FROM checkins');
        if (Number(count!.n) !== KIOSKS * PER_KIOSK)
          throw new Error(`registry holds ${count!.n} check-ins, expected ${KIOSKS * PER_KIOSK}`);
        rows.push(
          {
            bench: `registry ingest, ${KIOSKS} kiosks in parallel`,
            metric: `check-ins/s (${KIOSKS * PER_KIOSK} in batches of ${BATCH})`,
            value: rate,
            unit: '/s',
            baseline: baselineRate,
            ratio: rate / baselineRate,
          },
          {
            bench: `registry ingest, ${KIOSKS} kiosks in parallel`,
            metric: `request latency p99 (${latencies.length} requests)`,
            value: pct(latencies, 99),
            unit: 'ms',
          },
        );
        return rows;
      } finally {
        registry?.child.kill('SIGTERM');
        await admin.close();
        cluster.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
];
