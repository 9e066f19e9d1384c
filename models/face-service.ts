// The kiosk side of the face worker: one worker thread, requests answered in order, typed
// errors. `close()` ends the thread; a crashed worker fails what was pending and is
// replaced on the next request.
// Before any worker starts: a worker's process.env is its own copy, so only the main thread
// can turn onnxruntime's telemetry off for the process (no-telemetry.ts).
import './no-telemetry.js';
import { Worker } from 'node:worker_threads';
import { FaceError } from './errors.js';
import type { CameraFrame, RgbImage } from './image.js';
import type { AnalyseOptions, FrameAnalysis } from './pipeline.js';
import type { WorkerReply, WorkerRequest } from './face-worker.js';

/** Defined by scripts/build.mjs in a bundle: the dist/ folder, relative to the bundle. */
declare const KIOSK_DIST: string | undefined;

/**
 * The worker's entry: in a build, the worker bundled as plain JavaScript into
 * dist/models/face-worker.js; in the sources, the entry that registers tsx's loader first.
 */
const WORKER_ENTRY =
  typeof KIOSK_DIST === 'string'
    ? new URL(KIOSK_DIST + 'models/face-worker.js', import.meta.url)
    : new URL('./face-worker-entry.mjs', import.meta.url);

export interface FaceResult {
  analysis: FrameAnalysis;
  decodeMs: number;
}

export class FaceService {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: FaceResult) => void; reject: (e: Error) => void }>();

  constructor(private readonly threads = 1) {}

  private start(): Worker {
    const w = new Worker(WORKER_ENTRY);
    w.on('message', (r: WorkerReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (r.ok) p.resolve({ analysis: r.analysis, decodeMs: r.decodeMs });
      else p.reject(new FaceError(r.code as FaceError['code'], r.message));
    });
    const fail = (why: string) => {
      for (const p of this.pending.values()) p.reject(new FaceError('worker-failed', `the face worker stopped: ${why}`));
      this.pending.clear();
      this.worker = null;
    };
    w.on('error', (e) => fail(e.message));
    w.on('exit', (code) => fail(`exit ${code}`));
    w.unref();
    return w;
  }

  /** Analyses encoded bytes (JPEG, PNG, JPEG 2000), raw RGB or a camera frame (RGBA or I420). Transfers the buffer: do not reuse it. */
  analyse(image: Uint8Array | RgbImage | CameraFrame, options: AnalyseOptions): Promise<FaceResult> {
    this.worker ??= this.start();
    const id = this.nextId++;
    const req: WorkerRequest = {
      id,
      op: 'analyse',
      image: image instanceof Uint8Array ? { encoded: image } : 'pixels' in image ? { camera: image } : { raw: image },
      options,
      threads: this.threads,
    };
    const buf = image instanceof Uint8Array ? image.buffer : 'pixels' in image ? image.pixels.buffer : image.data.buffer;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker!.ref();
      this.worker!.postMessage(req, buf instanceof ArrayBuffer ? [buf] : []);
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    }) as Promise<FaceResult>;
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}
