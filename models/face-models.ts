// The ONNX sessions of the face pipeline, loaded once from models/weights/ after checking
// each file's SHA-256 against the manifest. One intra-op thread by default: it leaves the
// other core of a 2-core kiosk to the main loop, the card reader and the UI (two threads
// are faster per frame only when nothing else runs; docs/FACE.md).
// Models are rewritten into forms onnxruntime's CPU provider runs faster without changing
// what they compute (cpu-rewrites.ts); a rewritten model is used only if it gives the
// original's outputs on a probe input.
// First: onnxruntime must find its telemetry turned off when it loads.
import './no-telemetry.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { FaceError } from './errors.js';
import { loadManifest, MODELS_DIR, type Manifest } from './manifest.js';
import { rewriteForCpu } from './cpu-rewrites.js';

export type ModelRole = keyof Manifest['models'];

export interface FaceModels {
  manifest: Manifest;
  sessions: Record<ModelRole, ort.InferenceSession>;
  /** What was rewritten per model (all 0: the model runs as shipped). */
  rewrites: Record<ModelRole, { prelu: number; padded: number }>;
  /** Things the caller may want to log (a rewrite refused, and why). */
  notes: string[];
  /** Runs one model on one input tensor; returns the named outputs. */
  run(role: ModelRole, data: Float32Array): Promise<Record<string, Float32Array>>;
  /**
   * The input buffer of a model, reused frame after frame so a camera stream does not feed
   * the garbage collector a megabyte a frame. Only valid inside `exclusive`.
   */
  input(role: ModelRole): Float32Array;
  /** Zeroes the input buffers: nothing of a face outlives its frame's analysis. */
  wipeInputs(): void;
  /** Runs `fn` when no other frame is being analysed with these models (frames queue up). */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
}

export interface LoadOptions {
  threads?: number;
  dir?: string;
  /** Use the CPU rewrites where they prove exact (default true). */
  rewrite?: boolean;
}

const inputDims = (m: Manifest['models'][ModelRole]) => [1, m.input.channels === 'rgb' ? 3 : 1, m.input.height, m.input.width];

/** The largest absolute difference between two sessions' outputs on a fixed, image-like input. */
async function probeDifference(a: ort.InferenceSession, b: ort.InferenceSession, m: Manifest['models'][ModelRole]): Promise<number> {
  const dims = inputDims(m);
  const data = new Float32Array(dims.reduce((x, y) => x * y, 1));
  for (let i = 0; i < data.length; i++) data[i] = ((Math.sin(i * 0.37) * 0.5 + 0.5) * 255 - m.input.mean) * m.input.scale;
  const feed = () => ({ [m.input.name]: new ort.Tensor('float32', data, dims) });
  const [oa, ob] = [await a.run(feed()), await b.run(feed())];
  let worst = 0;
  for (const [k, v] of Object.entries(oa)) {
    const x = v.data as Float32Array;
    const y = ob[k]?.data as Float32Array | undefined;
    if (!y || y.length !== x.length) return Infinity;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!) / (1 + Math.abs(x[i]!)));
  }
  return Number.isNaN(worst) ? Infinity : worst;
}

export async function loadFaceModels(options: LoadOptions = {}): Promise<FaceModels> {
  const manifest = loadManifest();
  const dir = options.dir ?? fileURLToPath(new URL('weights/', MODELS_DIR));
  const sessions = {} as Record<ModelRole, ort.InferenceSession>;
  const rewrites = {} as FaceModels['rewrites'];
  const notes: string[] = [];
  const threads = options.threads ?? 1;
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3, // errors only: the shipped models' unused initializers are not news
    // Each session has its own pool; spinning pool threads of the session that just ran
    // steal the core from the next one (measured: 2 threads 54 ms a frame spinning, 16 ms not).
    ...(threads > 1 ? { extra: { session: { 'intra_op.allow_spinning': '0' } } } : {}),
  };
  for (const [role, m] of Object.entries(manifest.models) as [ModelRole, Manifest['models'][ModelRole]][]) {
    const file = `${dir}/${m.file}`;
    if (!existsSync(file))
      throw new FaceError('models-missing', `face model ${m.file} is missing from ${dir}: run npm run setup (it fetches the models)`);
    const bytes = readFileSync(file);
    if (createHash('sha256').update(bytes).digest('hex') !== m.sha256)
      throw new FaceError(
        'models-missing',
        `face model ${m.file} does not match its SHA-256 in models/manifest.json: run npm run setup again`,
      );
    let original: ort.InferenceSession;
    try {
      original = await ort.InferenceSession.create(bytes, sessionOptions);
    } catch (err) {
      throw new FaceError('model-failed', `face model ${m.file} cannot be loaded: ${(err as Error).message.slice(0, 200)}`);
    }
    sessions[role] = original;
    rewrites[role] = { prelu: 0, padded: 0 };
    const rw = options.rewrite === false ? null : rewriteForCpu(bytes);
    if (!rw || rw.prelu + rw.padded === 0) continue;
    try {
      const candidate = await ort.InferenceSession.create(rw.bytes, sessionOptions);
      const diff = await probeDifference(original, candidate, m);
      if (diff <= 1e-4) {
        sessions[role] = candidate;
        rewrites[role] = { prelu: rw.prelu, padded: rw.padded };
        await original.release();
      } else {
        notes.push(
          `${m.file}: the CPU rewrite changed the outputs (relative difference ${diff.toExponential(1)}); the model runs as shipped`,
        );
        await candidate.release();
      }
    } catch (err) {
      notes.push(`${m.file}: the CPU rewrite could not be loaded (${(err as Error).message.slice(0, 120)}); the model runs as shipped`);
    }
  }
  const inputs = new Map<ModelRole, Float32Array>();
  let queue: Promise<unknown> = Promise.resolve();
  return {
    manifest,
    sessions,
    rewrites,
    notes,
    input(role) {
      let buf = inputs.get(role);
      if (!buf) inputs.set(role, (buf = new Float32Array(inputDims(manifest.models[role]).reduce((a, b) => a * b, 1))));
      return buf;
    },
    wipeInputs() {
      for (const buf of inputs.values()) buf.fill(0);
    },
    exclusive(fn) {
      const run = queue.then(fn, fn);
      queue = run.catch(() => undefined);
      return run;
    },
    async run(role, data) {
      const m = manifest.models[role];
      let out;
      try {
        out = await sessions[role].run({ [m.input.name]: new ort.Tensor('float32', data, inputDims(m)) });
      } catch (err) {
        throw new FaceError('model-failed', `the ${role} model failed: ${(err as Error).message.slice(0, 200)}`);
      }
      const result: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(out)) result[k] = v.data as Float32Array;
      return result;
    },
  };
}
