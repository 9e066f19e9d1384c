// The face pipeline's worker thread: loads the models once and analyses images sent to it,
// so inference never runs on the kiosk's main event loop. Images arrive as transferred
// bytes and are wiped (zeroed) after each answer, as is every copy made of them here.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { decodeImage } from './decode.js';
import { FaceError } from './errors.js';
import { loadFaceModels, type FaceModels } from './face-models.js';
import { cameraFrameToRgb, type CameraFrame, type RgbImage } from './image.js';
import { analyseFrame, type AnalyseOptions } from './pipeline.js';

export type WorkerRequest = {
  id: number;
  op: 'analyse';
  image: { encoded: Uint8Array } | { raw: RgbImage } | { camera: CameraFrame };
  options: AnalyseOptions;
  threads?: number;
};
export type WorkerReply =
  | { id: number; ok: true; analysis: Awaited<ReturnType<typeof analyseFrame>>; decodeMs: number }
  | { id: number; ok: false; code: string; message: string };

let models: Promise<FaceModels> | null = null;

// Inference yields the CPU to the kiosk's main loop (the UI bridge, the card reader): this
// thread runs at a lower priority. Linux sets nice values per thread; elsewhere, or if the
// kernel refuses, the thread keeps the default and still works.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
} catch {
  /* not Linux, or no /proc: keep the default priority */
}

parentPort?.on('message', async (req: WorkerRequest) => {
  let img: RgbImage | null = null;
  try {
    models ??= loadFaceModels({ threads: req.threads ?? 1 });
    const m = await models;
    const t = performance.now();
    img =
      'encoded' in req.image
        ? await decodeImage(req.image.encoded)
        : 'raw' in req.image
          ? req.image.raw
          : cameraFrameToRgb(req.image.camera);
    const decodeMs = 'encoded' in req.image ? performance.now() - t : 0;
    const analysis = await analyseFrame(m, img, req.options);
    const reply: WorkerReply = { id: req.id, ok: true, analysis, decodeMs };
    parentPort!.postMessage(reply);
  } catch (err) {
    const e = err instanceof FaceError ? err : new FaceError('model-failed', (err as Error).message);
    parentPort!.postMessage({ id: req.id, ok: false, code: e.code, message: e.message } satisfies WorkerReply);
  } finally {
    img?.data.fill(0);
    if ('encoded' in req.image) req.image.encoded.fill(0);
    else if ('camera' in req.image) req.image.camera.pixels.fill(0);
  }
});
