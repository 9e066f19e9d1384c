// The model manifest (models/manifest.json), validated: where each model comes from, its
// checksum, and how to feed and read it. The pipeline takes every model detail from here.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
  source: z.object({
    kind: z.literal('npm'),
    package: z.string(),
    version: z.string(),
    integrity: z.string(),
    pathInPackage: z.string(),
    licence: z.string(),
  }),
  models: z.strictObject({
    detector: z.object({ ...model, kind: z.literal('ultraface'), outputs: z.strictObject({ scores: z.string(), boxes: z.string() }) }),
    landmarks: z.object({ ...model, kind: z.literal('68-points'), outputs: z.strictObject({ points: z.string() }) }),
    embedder: z.object({
      ...model,
      kind: z.literal('arcface-112'),
      outputs: z.strictObject({ embedding: z.string() }),
      dimensions: z.number().int().min(64).max(4096),
    }),
    liveness: z.object({
      ...model,
      kind: z.literal('minifasnet'),
      outputs: z.strictObject({ classes: z.string() }),
      cropScale: z.number().min(1).max(5),
      liveClass: z.number().int().min(0),
    }),
  }),
});
export type Manifest = z.infer<typeof Manifest>;

/** Defined by scripts/build.mjs in a bundle: the dist/ folder, relative to the bundle. */
declare const KIOSK_DIST: string | undefined;

/**
 * The folder holding manifest.json and weights/: KIOSK_MODELS_DIR when set (an installer puts
 * it in its resources); else this folder in the sources; else, in a build, the models/ folder
 * of the package root that dist/ sits in (setup fetches the weights there).
 */
function modelsDir(): URL {
  const fromEnv = process.env['KIOSK_MODELS_DIR'];
  if (fromEnv) return pathToFileURL(resolve(fromEnv) + '/');
  return typeof KIOSK_DIST === 'string' ? new URL(KIOSK_DIST + '../models/', import.meta.url) : new URL('./', import.meta.url);
}

export const MODELS_DIR = modelsDir();

export function loadManifest(path = new URL('manifest.json', MODELS_DIR)): Manifest {
  try {
    return Manifest.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    throw new FaceError('models-missing', `${fileURLToPath(path)} is not a valid model manifest: ${(err as Error).message.split('\n')[0]}`);
  }
}
