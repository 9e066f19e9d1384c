// The model manifest (models/manifest.json), validated: where each model comes from, its
// checksum, and how to feed and read it. The pipeline takes every model detail from here.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { FaceError } from './errors.js';

const input = z.strictObject({
  name: z.string(),
  width: z.number().int().min(8).max(1024),
  height: z.number().int().min(8).max(1024),
  channels: z.enum(['rgb', 'grey']),
  mean: z.number(),
  scale: z.number(),
});
const model = { file: z.string().regex(/^[\w.-]+\.onnx$/), sha256: z.string().regex(/^[0-9a-f]{64}$/), input };

export const Manifest = z.object({
  source: z.object({ kind: z.literal('npm'), package: z.string(), version: z.string(), integrity: z.string(), pathInPackage: z.string(), licence: z.string() }),
  models: z.strictObject({
    detector: z.object({ ...model, kind: z.literal('ultraface'), outputs: z.strictObject({ scores: z.string(), boxes: z.string() }) }),
    landmarks: z.object({ ...model, kind: z.literal('68-points'), outputs: z.strictObject({ points: z.string() }) }),
    embedder: z.object({ ...model, kind: z.literal('arcface-112'), outputs: z.strictObject({ embedding: z.string() }), dimensions: z.number().int().min(64).max(4096) }),
    liveness: z.object({ ...model, kind: z.literal('minifasnet'), outputs: z.strictObject({ classes: z.string() }), cropScale: z.number().min(1).max(5), liveClass: z.number().int().min(0) }),
  }),
});
export type Manifest = z.infer<typeof Manifest>;

export const MODELS_DIR = new URL('./', import.meta.url);

export function loadManifest(path = new URL('manifest.json', MODELS_DIR)): Manifest {
  try {
    return Manifest.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    throw new FaceError('models-missing', `models/manifest.json is not a valid model manifest: ${(err as Error).message.split('\n')[0]}`);
  }
}
