// A simulated fleet: N kiosks in one process, each the real engine (startKiosk: its own
// KioskStore file and key, workflow, decision, store and sync), against one registry (its own
// process, or an external one) through one loopback proxy that scheduled outages cut. People arrive at each kiosk as a seeded
// Poisson process; each scans (at an airport their boarding pass, then) their card's front QR
// code on the kiosk's virtual scanner, pauses, and puts their virtual chip on the kiosk's
// in-process reader (card-slot.ts). Figures are sampled every second for the report.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { startKiosk, type Kiosk } from '../../main/core/kiosk.js';
import { siteDay } from '../../main/core/workflow/decision.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { saveCredentials } from '../../main/sync/credentials.js';
import { enrol, type SyncError } from '../../main/sync/registry-client.js';
import type { SyncOptions } from '../../main/sync/sync-engine.js';
import { FaceService } from '../../models/face-service.js';
import type { Db } from '../../registry/db.js';
import { encodeBcbp, makeBoardingPass } from '../../simulator/boarding-pass.js';
import { createVirtualCard, type VirtualCard } from '../../simulator/card.js';
import { LINK_PROFILES } from '../../simulator/link.js';
import { createTestPki, trustFiles } from '../../simulator/pki.js';
import { hidPosReports, SYMBOLOGY, VirtualScanner } from '../../simulator/scanner.js';
import { simFlights, simSiteConfig } from '../../simulator/site-data.js';
import { walkVisits } from '../visit-walker.js';
import { nextGapMs, seededRandom, thinkMs } from './arrivals.js';
import { CardSlot } from './card-slot.js';
import { checkExactlyOnce, type ExactlyOnce, type FleetRecord } from './exactly-once.js';
import type { Outage } from './options.js';
import { startCutProxy, type CutProxy } from '../sim/cut-proxy.js';
import { openRegistryData, prepareRegistry, startRegistryProcess, type RegistryProcess } from './registry-process.js';
import { percentiles, type Percentiles, type Sample } from './stats.js';

export interface FleetConfig {
  kiosks: number;
  /** Check-ins per second across the fleet. */
  rate: number;
  durationMs: number;
  site: 'hospital' | 'airport';
  outages: Outage[];
  /** An external registry and its multi-use code (and its database, for the exactly-once check); null: the fleet's own (registry-process.ts). */
  registry: { url: string; code: string; db: Db | null } | null;
  seed: string;
  /** How long to wait after the run for the queues to drain. */
  drainTimeoutMs: number;
  sync?: Partial<SyncOptions>;
  log: Logger;
  /** Called every second with the figures so far. */
  onProgress?: (p: Progress) => void;
  /** Called on a phase change (preparing, running, draining, checking), in words. */
  onPhase?: (what: string) => void;
}

export interface Progress {
  elapsedMs: number;
  durationMs: number;
  phase: 'running' | 'draining';
  checkins: number;
  perSecond: number;
  queued: number;
  errors: number;
  outage: boolean;
}

export interface FleetResult {
  checkins: number;
  kiosks: number;
  site: string;
  siteKind: 'hospital' | 'airport';
  registry: { url: string; own: boolean };
  rate: { asked: number; achieved: number };
  durationS: number;
  outages: { atS: number; forS: number }[];
  decisions: { admitted: number; refused: number; referred: number };
  reasons: Record<string, number>;
  decisionMs: Percentiles;
  syncLagMs: Percentiles;
  errors: Record<string, number>;
  queueLeft: number;
  drainedInS: number | null;
  exactlyOnce: ExactlyOnce;
  samples: Sample[];
  startedAt: string;
}

interface Member {
  index: number;
  kiosk: Kiosk;
  store: KioskStore;
  slot: CardSlot;
  scanner: VirtualScanner;
  lastSeq: number;
}

export async function runFleet(c: FleetConfig): Promise<FleetResult> {
  const phase = c.onPhase ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-fleet-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // Also when the run is interrupted (Ctrl+C): the kiosks' databases and keys do not outlive it.
  process.once('exit', removeDir);
  const cleanups: (() => Promise<void> | void)[] = [
    () => {
      process.off('exit', removeDir);
      removeDir();
    },
  ];
  const cleanup = async () => {
    for (const f of cleanups.reverse())
      try {
        await f();
      } catch (err) {
        c.log.warn({ err: (err as Error).message }, 'while stopping the fleet');
      }
  };
  try {
    return await run(c, dir, phase, cleanups);
  } finally {
    await cleanup();
  }
}

async function run(
  c: FleetConfig,
  dir: string,
  phase: (s: string) => void,
  cleanups: (() => Promise<void> | void)[],
): Promise<FleetResult> {
  const kind = c.site;
  const today = siteDay(new Date());
  const pki = await createTestPki();
  const trustDir = join(dir, 'trust');
  mkdirSync(trustDir);
  for (const f of trustFiles(pki)) writeFileSync(join(trustDir, f.name), f.bytes);

  // The registry, and one code that enrols the whole fleet.
  let own: RegistryProcess | null = null;
  const regDir = join(dir, 'registry');
  let target: { url: string; code: string; db: Db | null; site: string | null };
  if (c.registry) target = { ...c.registry, site: null };
  else {
    phase('starting a registry (kiosk registry, PGlite) in its own process on loopback');
    const site = `fleet-${kind}`;
    const { code } = await prepareRegistry(regDir, { kind, site, seed: c.seed, day: today, kiosks: c.kiosks });
    own = await startRegistryProcess(regDir);
    const r = own;
    cleanups.push(() => r.stop());
    target = { url: own.url, code, db: null, site };
  }

  // Every kiosk reaches the registry through the proxy, so an outage cuts them all.
  const u = new URL(target.url);
  let proxy: CutProxy | null = null;
  let kioskUrl = target.url;
  if (u.protocol === 'http:') {
    proxy = await startCutProxy({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 80) });
    const p = proxy;
    cleanups.push(() => p.close());
    kioskUrl = `http://127.0.0.1:${proxy.port}${u.pathname.replace(/\/+$/, '')}`;
  } else if (c.outages.length)
    throw new Error('outages are made by a loopback proxy in front of a plain http:// registry; this one is https://');

  phase(`preparing ${c.kiosks + 10} virtual chips`);
  const pool: VirtualCard[] = [];
  for (let i = 0; i < c.kiosks + 10; i++)
    pool.push(await createVirtualCard({ pki, seed: c.seed, index: i, link: LINK_PROFILES['instant']! }));

  phase(`enrolling and starting ${c.kiosks} kiosks (each its own store, key and sync)`);
  const faceService = new FaceService();
  cleanups.push(() => faceService.close());
  const errors: Record<string, number> = {};
  const count = (kind: string) => (errors[kind] = (errors[kind] ?? 0) + 1);
  const members: Member[] = [];
  let stopped = false;
  const stopKiosks = async () => {
    if (stopped) return;
    stopped = true;
    for (const m of members) {
      await m.scanner.close().catch(() => undefined);
      await m.kiosk.stop();
      m.store.close();
    }
  };
  cleanups.push(stopKiosks);
  for (let i = 0; i < c.kiosks; i++) {
    const store = new KioskStore(join(dir, `kiosk-${i + 1}.db`));
    let kiosk: Kiosk;
    try {
      saveCredentials(store, await enrol(kioskUrl, target.code, `fleet kiosk ${i + 1}`));
      const slot = new CardSlot(`Fleet virtual reader ${i + 1}`);
      kiosk = await startKiosk({
        simulator: true,
        log: c.log,
        db: store,
        siteKind: kind,
        defaultSiteConfig: simSiteConfig(kind, { required: false }),
        trustDir,
        ui: false,
        scanner: { socketPort: 0 },
        cards: slot,
        faceService,
        ...(c.sync ? { sync: c.sync } : {}),
      });
      const k = kiosk;
      k.sync?.on('error', (e: SyncError) => count(`sync: ${e.kind}`));
      if (kind === 'hospital') walkVisits(k);
      const scanner = await VirtualScanner.connect(k.scanners!.socketPort!).catch(async (err: Error) => {
        await k.stop();
        throw err;
      });
      members.push({ index: i, kiosk: k, store, slot, scanner, lastSeq: 0 });
    } catch (err) {
      store.close();
      throw err;
    }
  }
  const site = members[0]!.kiosk.credentials?.site ?? target.site ?? '?';

  // Each kiosk starts with its site's configuration and roster, as one that has been running would.
  // An external registry's site may publish none: its kiosks then start with what they have.
  const ready = () => members.every((m) => (m.kiosk.reference.status()['roster']?.version ?? 0) > 0);
  if (own) await until(ready, 60_000, 'the kiosks did not get their roster from the registry in 60 s');
  else
    await until(ready, 20_000, '').catch(() =>
      phase('not every kiosk got a roster from the registry in 20 s: they go on with what they have'),
    );

  // The run.
  const startedAt = new Date();
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  const decisionMs: number[] = [];
  const decisions = { admitted: 0, refused: 0, referred: 0 };
  const reasons: Record<string, number> = {};
  let decided = 0;
  const timers = c.outages.flatMap((o) => [
    setTimeout(() => proxy?.setCut(true), o.atMs),
    setTimeout(() => proxy?.setCut(false), o.atMs + o.forMs),
  ]);
  cleanups.push(() => timers.forEach(clearTimeout));

  const samples: Sample[] = [];
  let lastDecided = 0;
  let lastAt = 0;
  let draining = false;
  const queuedNow = () => members.reduce((n, m) => n + m.store.queue().length, 0);
  const sample = () => {
    const lags = members.flatMap((m) => newlyAcknowledged(m));
    const queued = queuedNow();
    const at = elapsed();
    const s: Sample = {
      t: Math.round(at / 100) / 10,
      checkins: decided - lastDecided,
      perSecond: Math.round(((decided - lastDecided) / Math.max(0.001, (at - lastAt) / 1000)) * 10) / 10,
      queued,
      lagMaxMs: lags.length ? Math.max(...lags) : null,
      lagP50Ms: percentiles(lags).p50,
    };
    lastDecided = decided;
    lastAt = at;
    samples.push(s);
    const errs = Object.values(errors).reduce((a, b) => a + b, 0);
    c.onProgress?.({
      elapsedMs: at,
      durationMs: c.durationMs,
      phase: draining ? 'draining' : 'running',
      checkins: decided,
      perSecond: s.perSecond,
      queued,
      errors: errs,
      outage: proxy?.cut ?? false,
    });
  };
  const sampler = setInterval(sample, 1000);
  cleanups.push(() => clearInterval(sampler));

  phase(`running ${c.kiosks} kiosks for ${c.durationMs / 1000} s at ${c.rate} check-ins/s`);
  const flights = simFlights(c.seed, today);
  const loops = members.map(async (m) => {
    const random = seededRandom(`${c.seed}/kiosk/${m.index}`);
    const perKiosk = c.rate / c.kiosks;
    let arrival = nextGapMs(random, perKiosk);
    while (arrival < c.durationMs) {
      const wait = arrival - elapsed();
      if (wait > 0) await sleep(wait);
      arrival += nextGapMs(random, perKiosk);
      const card = pool.pop();
      if (!card) {
        count('no free card in the pool');
        continue;
      }
      try {
        const r = await visit(m, card, kind === 'airport' ? encodeBcbp(makeBoardingPass(card.citizen, flights, c.seed)) : null, random);
        decided++;
        decisionMs.push(r.ms);
        decisions[r.decision]++;
        for (const x of r.reasons) reasons[x] = (reasons[x] ?? 0) + 1;
      } catch (err) {
        count(err instanceof FleetStepError ? err.kind : `visit: ${(err as Error).message.slice(0, 80)}`);
        await reset(m);
      } finally {
        pool.unshift(card);
      }
    }
  });
  await Promise.all(loops);
  const runMs = elapsed();

  // Draining: every kiosk's sync sends what it still holds; bounded.
  draining = true;
  phase(`waiting up to ${c.drainTimeoutMs / 1000} s for the kiosks' queues to drain`);
  const drainStart = performance.now();
  for (const m of members) m.kiosk.sync?.nudge();
  let queueLeft = queuedNow();
  while (queueLeft > 0 && performance.now() - drainStart < c.drainTimeoutMs) {
    await sleep(250);
    queueLeft = queuedNow();
  }
  const drainedInS = queueLeft === 0 ? Math.round((performance.now() - drainStart) / 100) / 10 : null;
  clearInterval(sampler);
  sample();

  // What the fleet recorded, from each kiosk's own store, checked against the registry itself.
  const records: FleetRecord[] = [];
  const syncLags: number[] = [];
  for (const m of members) {
    const rows = m.store.db.prepare('SELECT id, hash, kiosk_id, recorded_at, synced_at FROM checkins ORDER BY seq').all() as {
      id: string;
      hash: string;
      kiosk_id: string | null;
      recorded_at: string;
      synced_at: string | null;
    }[];
    for (const r of rows) {
      records.push({ id: r.id, hash: r.hash, kioskId: r.kiosk_id ?? m.kiosk.credentials!.kioskId });
      if (r.synced_at) syncLags.push(Date.parse(r.synced_at) - Date.parse(r.recorded_at));
    }
  }
  const kioskIds = members.map((m) => m.kiosk.credentials!.kioskId);
  await stopKiosks();
  phase(`checking ${records.length} check-ins against the registry's database`);
  let checkDb = target.db;
  if (own) {
    // The registry's folder is read here once its process has let go of it.
    await own.stop();
    checkDb = await openRegistryData(regDir);
    const d = checkDb;
    cleanups.push(() => d.close());
  }
  const exactlyOnce: ExactlyOnce = checkDb
    ? await checkExactlyOnce(checkDb, records, kioskIds)
    : {
        checked: false,
        why: "the registry's database was not given (--registry-db), so nothing was checked",
        records: records.length,
        present: 0,
        missing: [],
        duplicated: [],
        wrongHash: [],
        ok: false,
      };

  return {
    checkins: records.length,
    kiosks: c.kiosks,
    site,
    siteKind: kind,
    registry: { url: target.url, own: own !== null },
    rate: { asked: c.rate, achieved: Math.round((decided / (runMs / 1000)) * 100) / 100 },
    durationS: Math.round(runMs / 100) / 10,
    outages: c.outages.map((o) => ({ atS: o.atMs / 1000, forS: o.forMs / 1000 })),
    decisions,
    reasons,
    decisionMs: percentiles(decisionMs),
    syncLagMs: percentiles(syncLags),
    errors,
    queueLeft,
    drainedInS,
    exactlyOnce,
    samples,
    startedAt: startedAt.toISOString(),
  };
}

/** The sync lags (ms) of a kiosk's check-ins acknowledged since the last look. */
function newlyAcknowledged(m: Member): number[] {
  const rows = m.store.db
    .prepare('SELECT seq, recorded_at, synced_at FROM checkins WHERE seq > ? AND synced_at IS NOT NULL ORDER BY seq')
    .all(m.lastSeq) as { seq: number; recorded_at: string; synced_at: string }[];
  if (rows.length) m.lastSeq = rows[rows.length - 1]!.seq;
  return rows.map((r) => Date.parse(r.synced_at) - Date.parse(r.recorded_at));
}

class FleetStepError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
  }
}

/** One person at one kiosk: scans, pauses, puts the card on, waits for the decision, takes the card off. */
async function visit(m: Member, card: VirtualCard, boardingPass: string | null, random: () => number) {
  const k = m.kiosk;
  if (boardingPass) {
    await scan(m, boardingPass, SYMBOLOGY.pdf417);
    await sleep(thinkMs(random));
  }
  await scan(m, card.citizen.qr, SYMBOLOGY.qr);
  await sleep(thinkMs(random));
  const next = k.nextDecision(30_000).catch((err: Error) => {
    throw new FleetStepError('no decision within 30 s', err.message);
  });
  const placed = performance.now();
  m.slot.insert(card);
  let d;
  try {
    d = await next;
  } finally {
    m.slot.remove();
  }
  const ms = performance.now() - placed;
  await until(
    () => k.runner.current.ctx.reader === null || k.runner.current.screen === 'idle',
    5000,
    'card not seen leaving',
    'card not seen leaving',
  );
  return { ms, decision: d.decision.decision, reasons: d.decision.reasons };
}

async function scan(m: Member, text: string, symbology: string): Promise<void> {
  const before = m.kiosk.runner.current;
  await m.scanner.send(hidPosReports(new TextEncoder().encode(text), symbology));
  await until(() => m.kiosk.runner.current !== before, 5000, 'the kiosk did not take the scan', 'scan not taken');
}

/** After a failed visit: the card off and the kiosk back to idle before the next person. */
async function reset(m: Member): Promise<void> {
  m.slot.remove();
  m.kiosk.runner.dispatch({ type: 'cancel' });
  await until(() => m.kiosk.runner.current.screen === 'idle', 15_000, '', '').catch(() => undefined);
}

async function until(ok: () => boolean, timeoutMs: number, what: string, kind = 'timeout'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > deadline) throw new FleetStepError(kind, what);
    await sleep(20);
  }
}
