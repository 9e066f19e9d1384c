// The process side of the camera bench (bin/bench/camera.bench.ts), started by it with the
// kiosk's own flags, so that what is measured here — the main event loop's delay and heap —
// is a kiosk's, without the bench's Chromium client and decoded clip in the same isolate.
//
//   camera-kiosk-child.ts kiosk     starts a kiosk (as the bench did in its own process),
//                                   prints {"url": …} on stdout, then for every {go} message
//                                   runs the never-deciding capture loop on the page that is
//                                   connected and sends back a CameraChildResult; {stop} ends it.
//   camera-kiosk-child.ts baseline  the same number of frames through a FaceService directly,
//                                   one result, then exits.
//   camera-kiosk-child.ts idle      a control: a process with the same flags that does nothing
//                                   but measure its own event loop delay from {go} to {report},
//                                   while the kiosk and Chromium run: what the machine alone adds.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import type { CheckinView } from '../../main/api/contract.js';
import { startKiosk, type Kiosk } from '../../main/core/kiosk.js';
import { silentLogger } from '../../main/core/logger.js';
import type { FacePolicy } from '../../main/protocol/datasets.js';
import { KioskStore } from '../../main/store/kiosk-store.js';
import { FaceService } from '../../models/face-service.js';
import { subjectFrames } from '../../simulator/camera-clip.js';
import { citizenFace } from '../../simulator/chip-photos.js';
import { simSiteConfig } from '../../simulator/site-data.js';
import {
  CITIZEN,
  CLIP_FRAMES,
  FRAMES,
  SEED,
  WARMUP,
  type CameraChildResult,
  type ChildMessage,
  type EldFigures,
  type ParentMessage,
} from './camera-common.js';

/** Never decides: every analysed frame gives guidance, and the loop runs until aborted. */
const NEVER_DECIDES: FacePolicy = {
  required: true,
  matchThreshold: 0.5,
  liveThreshold: 0.5,
  minGoodFrames: Number.MAX_SAFE_INTEGER,
  windowMs: 3000,
  retries: 0,
  liveness: 'record',
};

const now = () => performance.timeOrigin + performance.now();
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/**
 * The event loop's delay and, beside it, the main thread's GC pauses over the same span: whether
 * a long delay was a pause of this isolate's collector or something else (another process's load).
 */
function loopMonitor() {
  const eld = monitorEventLoopDelay({ resolution: 1 });
  let gcMaxMs = 0;
  let gcKind = 'none';
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.duration <= gcMaxMs) continue;
      gcMaxMs = e.duration;
      gcKind = GC_KINDS[(e.toJSON() as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
    }
  });
  return {
    enable() {
      eld.enable();
      gc.observe({ entryTypes: ['gc'] });
    },
    /** Stops both; the GC entries are delivered asynchronously, so the pending ones are let in first. */
    async disable() {
      eld.disable();
      await new Promise((r) => setImmediate(r));
      gc.disconnect();
    },
    figures: (): EldFigures => ({ ...figures(eld), gcMaxMs, gcKind }),
  };
}

const figures = (h: IntervalHistogram) => ({ maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6, p50Ms: h.percentile(50) / 1e6 });

function send(m: ChildMessage): Promise<void> {
  return new Promise((resolve, reject) => process.send!(m, (err: Error | null) => (err ? reject(err) : resolve())));
}

async function waitFor(ok: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!ok()) {
    if (performance.now() > deadline) throw new Error(`camera bench child: ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One capture window on the connected page, WARMUP + FRAMES guidances long. */
async function captureRun(kiosk: Kiosk): Promise<CameraChildResult> {
  await waitFor(() => kiosk.face.available(), 15_000, "the page's camera was not reported connected");
  const eld = loopMonitor();
  const abort = new AbortController();
  // Should the loop stall (the page gone, a frame never answered), the run fails instead of hanging.
  const stall = setTimeout(() => abort.abort(), 180_000);
  try {
    const photo = await citizenFace(SEED, CITIZEN);
    kiosk.face.prepareChip(photo.bytes.slice());
    const emitted: number[] = [];
    const total = WARMUP + FRAMES;
    const result = await kiosk.face.capture(NEVER_DECIDES, {
      signal: abort.signal,
      onGuidance: (guidance) => {
        emitted.push(now());
        if (emitted.length === WARMUP) eld.enable();
        const view: CheckinView = { ...kiosk.view(), screen: 'face', guidance };
        kiosk.core.emit('checkin.changed', view);
        if (emitted.length >= total) abort.abort();
      },
    });
    await eld.disable();
    if (emitted.length < total)
      throw new Error(`camera bench child: the capture loop ended (${result.kind}) after ${emitted.length} of ${total} frames`);
    return { type: 'result', emitted, eld: eld.figures(), heapUsed: process.memoryUsage().heapUsed };
  } finally {
    clearTimeout(stall);
    abort.abort();
    await eld.disable();
    kiosk.face.forget();
  }
}

async function kioskMode(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-bench-camera-'));
  let store: KioskStore | null = null;
  let kiosk: Kiosk | null = null;
  try {
    store = new KioskStore(join(dir, 'kiosk.db'));
    kiosk = await startKiosk({
      simulator: true,
      log: silentLogger(),
      db: store,
      siteKind: 'hospital',
      // The camera opened at 30 frames a second: the kiosk analyses as many as it can take.
      defaultSiteConfig: { ...simSiteConfig('hospital'), camera: { deviceLabel: null, width: 640, height: 480, frameRate: 30 } },
      ui: { port: 0 },
      scanner: false,
    });
    const cam = kiosk.reference.siteConfig.camera;
    if (cam.width !== 640 || cam.height !== 480)
      throw new Error(`camera bench child: the kiosk asks for ${cam.width}×${cam.height} frames`);
    const k = kiosk;
    process.stdout.write(JSON.stringify({ url: k.ui!.url }) + '\n');
    // Runs one after another; the parent waits for each result before its next message.
    await new Promise<void>((resolve, reject) => {
      process.on('message', (m: ParentMessage) => {
        if (m.type === 'stop') resolve();
        else
          captureRun(k)
            .then(send, (err: unknown) => send({ type: 'error', message: String(err instanceof Error ? err.stack : err) }))
            .catch(reject);
      });
      // The parent gone (killed, crashed): nothing more will come.
      process.on('disconnect', resolve);
    });
  } finally {
    await kiosk?.stop();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function baselineMode(): Promise<void> {
  const frames = await subjectFrames('holder', { seed: SEED, citizen: CITIZEN, count: CLIP_FRAMES });
  if (!frames) throw new Error('the test photos are not fetched');
  const service = new FaceService();
  const eld = loopMonitor();
  const one = (i: number) => {
    const f = frames[i % frames.length]!;
    // A fresh buffer per frame, as from a camera (the service transfers it to the worker).
    return service.analyse({ width: f.width, height: f.height, data: f.data.slice() }, { liveness: true, cameraFrame: true });
  };
  try {
    for (let i = 0; i < WARMUP; i++) await one(i);
    eld.enable();
    const t = performance.now();
    for (let i = 0; i < FRAMES; i++) await one(WARMUP + i);
    const s = (performance.now() - t) / 1000;
    await eld.disable();
    await send({ type: 'result', emitted: [], fps: FRAMES / s, eld: eld.figures(), heapUsed: process.memoryUsage().heapUsed });
  } finally {
    await service.close();
  }
}

async function idleMode(): Promise<void> {
  // A fresh monitor per run: a re-enabled one would count the pause between runs as one delay.
  let eld = loopMonitor();
  await new Promise<void>((resolve, reject) => {
    process.on('message', (m: ParentMessage) => {
      if (m.type === 'go') {
        eld = loopMonitor();
        eld.enable();
      } else if (m.type === 'report') {
        const run = eld;
        run
          .disable()
          .then(() => send({ type: 'result', emitted: [], eld: run.figures(), heapUsed: process.memoryUsage().heapUsed }))
          .catch(reject);
      } else resolve();
    });
    process.on('disconnect', resolve);
  });
}

const mode = process.argv[2];
try {
  if (!process.send) throw new Error('camera bench child: started without an IPC channel');
  if (mode === 'kiosk') await kioskMode();
  else if (mode === 'baseline') await baselineMode();
  else if (mode === 'idle') await idleMode();
  else throw new Error(`camera bench child: unknown mode ${mode}`);
  if (process.connected) process.disconnect();
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
  if (process.connected) process.disconnect();
}
