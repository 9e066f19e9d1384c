// Face pipeline per frame (640×480 and 1280×720 camera frames with one face): median and p95
// per stage, and the ratio of the whole pipeline to the sum of the bare session.run times of
// the same models in the same run. Also one thread against two, and the main event loop's
// delay while the worker runs inference continuously.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import { decodeImage } from '../../models/decode.js';
import { loadFaceModels, type FaceModels, type ModelRole } from '../../models/face-models.js';
import { FaceService } from '../../models/face-service.js';
import type { RgbImage } from '../../models/image.js';
import { analyseFrame } from '../../models/pipeline.js';
import type { BenchRow, Benchmark } from './types.js';

const RUNS = 40;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const photo = fileURLToPath(new URL('../../models/test-photos/astronaut.png', import.meta.url));

async function cameraFrame(width: number, height: number): Promise<{ raw: RgbImage; jpeg: Buffer }> {
  // The face about a third of the frame's height, a little off centre, on a plain wall.
  const face = await sharp(photo)
    .extract({ left: 100, top: 0, width: 300, height: 300 })
    .resize(Math.round(height * 0.55))
    .toBuffer();
  const jpeg = await sharp({ create: { width, height, channels: 3, background: '#8a8f96' } })
    .composite([{ input: face, left: Math.round(width * 0.32), top: Math.round(height * 0.18) }])
    .jpeg({ quality: 85 })
    .toBuffer();
  return { raw: await decodeImage(jpeg), jpeg };
}

/** Bare session.run of each model on the very inputs the pipeline gives it for this frame. */
async function bare(models: FaceModels, img: RgbImage): Promise<Record<ModelRole, number>> {
  const inputs = new Map<ModelRole, Float32Array>();
  const recording: FaceModels = { ...models, run: (role, data) => (inputs.set(role, data.slice()), models.run(role, data)) };
  await analyseFrame(recording, img, { liveness: true, cameraFrame: true });
  const out = {} as Record<ModelRole, number>;
  for (const role of ['detector', 'landmarks', 'embedder', 'liveness'] as ModelRole[]) {
    const input = inputs.get(role)!;
    const ts: number[] = [];
    for (let i = 0; i < RUNS + 5; i++) {
      const t = performance.now();
      await models.run(role, input);
      if (i >= 5) ts.push(performance.now() - t);
    }
    out[role] = pct(ts, 50);
  }
  return out;
}

async function perFrame(models: FaceModels, img: RgbImage, label: string, bareSum: number, threads: number): Promise<BenchRow[]> {
  const stages: Record<string, number[]> = { detect: [], landmarks: [], align: [], embed: [], liveness: [], total: [] };
  for (let i = 0; i < RUNS + 5; i++) {
    const t = performance.now();
    const a = await analyseFrame(models, img, { liveness: true, cameraFrame: true });
    const total = performance.now() - t;
    if (a.faces !== 1 || !a.embedding) throw new Error(`the ${label} bench frame has ${a.faces} faces`);
    if (i < 5) continue;
    for (const k of ['detect', 'landmarks', 'align', 'embed', 'liveness'] as const) stages[k]!.push(a.ms[k]);
    stages['total']!.push(total);
  }
  const name = `face pipeline, ${label}, ${threads} thread${threads > 1 ? 's' : ''}`;
  const rows: BenchRow[] = Object.entries(stages)
    .filter(([k]) => k !== 'total')
    .map(([k, xs]) => ({ bench: name, metric: `${k} median (p95 ${pct(xs, 95).toFixed(1)})`, value: pct(xs, 50), unit: 'ms' }));
  const total = pct(stages['total']!, 50);
  const row: BenchRow = Number.isNaN(bareSum)
    ? { bench: name, metric: `total median (p95 ${pct(stages['total']!, 95).toFixed(1)})`, value: total, unit: 'ms' }
    : {
        bench: name,
        metric: `total median (p95 ${pct(stages['total']!, 95).toFixed(1)}) ÷ bare session.run sum`,
        value: total,
        unit: 'ms',
        baseline: bareSum,
        ratio: total / bareSum,
      };
  if (label === '640×480' && threads === 1) Object.assign(row, { target: '< 20 ms and ≤ 1.3', pass: total < 20 && total / bareSum <= 1.3 });
  rows.push(row);
  return rows;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'face',
    async run() {
      const rows: BenchRow[] = [];
      const frames = { '640×480': await cameraFrame(640, 480), '1280×720': await cameraFrame(1280, 720) };
      process.stderr.write('bench: face models as shipped, bare session.run\n');
      const shipped = await loadFaceModels({ threads: 1, rewrite: false });
      const shippedBare = await bare(shipped, frames['640×480'].raw);
      for (const s of Object.values(shipped.sessions)) await s.release();
      for (const threads of [1, 2]) {
        process.stderr.write(`bench: face pipeline with ${threads} intra-op thread(s)\n`);
        const models = await loadFaceModels({ threads });
        for (const [label, f] of Object.entries(frames)) {
          if (threads > 1) {
            rows.push(...(await perFrame(models, f.raw, label, NaN, threads)));
            continue;
          }
          const b = await bare(models, f.raw);
          const bareSum = b.detector + b.landmarks + b.embedder + b.liveness;
          for (const [role, v] of Object.entries(b) as [ModelRole, number][]) {
            const rw = models.rewrites[role];
            const note = rw.prelu + rw.padded ? ` (CPU rewrites: ${rw.prelu} PRelu, ${rw.padded} padded)` : '';
            const row: BenchRow = {
              bench: `face models, bare session.run, ${label}, 1 thread`,
              metric: `${role} median${note}`,
              value: v,
              unit: 'ms',
            };
            if (label === '640×480') Object.assign(row, { baseline: shippedBare[role], ratio: v / shippedBare[role] });
            rows.push(row);
          }
          rows.push(...(await perFrame(models, f.raw, label, bareSum, threads)));
        }
        for (const s of Object.values(models.sessions)) await s.release();
      }
      const decodes: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await decodeImage(frames['640×480'].jpeg);
        decodes.push(performance.now() - t);
      }
      rows.push({ bench: 'face pipeline, 640×480', metric: 'JPEG decode median (sharp)', value: pct(decodes, 50), unit: 'ms' });
      const gc = process.execArgv.includes('--single-threaded-gc')
        ? 'single-threaded GC'
        : "default GC (run through npm run bench for the kiosk's flags)";
      process.stderr.write(`bench: event loop during continuous inference in the worker (${gc})\n`);
      const svc = new FaceService();
      const jpeg = readFileSync(photo);
      await svc.analyse(new Uint8Array(jpeg), { liveness: true, cameraFrame: true });
      for (const round of [1, 2, 3]) {
        const h = monitorEventLoopDelay({ resolution: 1 });
        h.enable();
        for (let i = 0; i < 60; i++)
          await svc.analyse({ ...frames['640×480'].raw, data: frames['640×480'].raw.data.slice() }, { liveness: true, cameraFrame: true }); // a fresh buffer per frame, as from a camera
        h.disable();
        rows.push({
          bench: `face worker, 60 frames back to back, round ${round}, ${gc}`,
          metric: 'main event loop delay max (p99)',
          value: h.max / 1e6,
          unit: `ms (p99 ${(h.percentile(99) / 1e6).toFixed(1)})`,
          target: '< 10 ms',
          pass: h.max / 1e6 < 10,
        });
      }
      await svc.close();
      return rows;
    },
  },
];
