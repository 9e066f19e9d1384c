// The ONNX sessions of the face pipeline, loaded once from models/weights/ after checking
// each file's SHA-256 against the manifest. One intra-op thread by default (measured faster
// than two on a 2-core kiosk, where the UI and the card reader need the other core).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { FaceError } from './errors.js';
import { loadManifest, MODELS_DIR, type Manifest } from './manifest.js';

export type ModelRole = keyof Manifest['models'];

export interface FaceModels {
  manifest: Manifest;
  sessions: Record<ModelRole, ort.InferenceSession>;
  /** Runs one model on one input tensor; returns the named outputs. */
  run(role: ModelRole, data: Float32Array): Promise<Record<string, Float32Array>>;
}

export async function loadFaceModels(options: { threads?: number; dir?: string } = {}): Promise<FaceModels> {
  const manifest = loadManifest();
  const dir = options.dir ?? fileURLToPath(new URL('weights/', MODELS_DIR));
  const sessions = {} as Record<ModelRole, ort.InferenceSession>;
  for (const [role, m] of Object.entries(manifest.models) as [ModelRole, Manifest['models'][ModelRole]][]) {
    const file = `${dir}/${m.file}`;
    if (!existsSync(file)) throw new FaceError('models-missing', `face model ${m.file} is missing from ${dir}: run npm run setup (it fetches the models)`);
    const bytes = readFileSync(file);
    if (createHash('sha256').update(bytes).digest('hex') !== m.sha256) throw new FaceError('models-missing', `face model ${m.file} does not match its SHA-256 in models/manifest.json: run npm run setup again`);
    sessions[role] = await ort.InferenceSession.create(bytes, { intraOpNumThreads: options.threads ?? 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  }
  return {
    manifest,
    sessions,
    async run(role, data) {
      const m = manifest.models[role];
      const dims = [1, m.input.channels === 'rgb' ? 3 : 1, m.input.height, m.input.width];
      let out;
      try {
        out = await sessions[role].run({ [m.input.name]: new ort.Tensor('float32', data, dims) });
      } catch (err) {
        throw new FaceError('model-failed', `the ${role} model failed: ${(err as Error).message.slice(0, 200)}`);
      }
      const result: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(out)) result[k] = v.data as Float32Array;
      return result;
    },
  };
}
