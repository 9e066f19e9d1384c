// One frame through the face pipeline: detect → landmarks → five points → align → embed →
// L2-normalise, with the quality gate and (for live frames) liveness. Per-stage timings
// are measured. Everything stays in memory and is returned to the caller only.
import { alignmentError, fitSimilarity, inverseMap, TEMPLATE_112 } from './align.js';
import { detectFaces, type FaceBox } from './detect.js';
import type { FaceModels } from './face-models.js';
import { cropToTensor, luminanceStats, warpToTensor, type RgbImage } from './image.js';
import { detectLandmarks, fivePoints, type Point } from './landmarks.js';

export type QualityCode =
  'no-face' | 'several-faces' | 'face-too-small' | 'off-centre' | 'head-turned' | 'eyes-closed' | 'too-dark' | 'too-bright' | 'blurred';

export interface QualityConfig {
  /** Minimum distance between the eye centres, in frame pixels. */
  minInterEyePx: number;
  /** How far the face centre may be from the frame centre, as a fraction of the frame's width/height. */
  maxOffCentre: number;
  /** |nose offset from the eyes' midpoint| ÷ inter-eye distance above which the head counts as turned. */
  maxYawRatio: number;
  /** Eye opening (height ÷ width from the landmarks) below which eyes count as closed. */
  minEyeOpening: number;
  minLuminance: number;
  maxLuminance: number;
  /** Variance of the Laplacian over the face, per the face's scale. */
  minSharpness: number;
}

export const DEFAULT_QUALITY: QualityConfig = {
  minInterEyePx: 40,
  maxOffCentre: 0.3,
  maxYawRatio: 0.35,
  minEyeOpening: 0.15,
  minLuminance: 50,
  maxLuminance: 210,
  minSharpness: 12,
};

export interface StageTimes {
  detect: number;
  landmarks: number;
  align: number;
  embed: number;
  liveness: number;
}

export interface FrameAnalysis {
  faces: number;
  box: FaceBox | null;
  landmarks: Point[] | null;
  /** L2-normalised; null when no usable face. */
  embedding: Float32Array | null;
  /** Probability that the face is live (null when not asked or no face). */
  live: number | null;
  quality: QualityCode[];
  ms: StageTimes;
}

const now = () => performance.now();

function quality(img: RgbImage, box: FaceBox, pts: Point[], faces: number, q: QualityConfig, gateFrame: boolean): QualityCode[] {
  const codes: QualityCode[] = [];
  if (faces > 1) codes.push('several-faces');
  const [le, re, nose] = fivePoints(pts) as [Point, Point, Point];
  const eyeDist = Math.hypot(re[0] - le[0], re[1] - le[1]);
  if (eyeDist < q.minInterEyePx) codes.push('face-too-small');
  if (gateFrame) {
    const cx = (box.x + box.w / 2) / img.width - 0.5;
    const cy = (box.y + box.h / 2) / img.height - 0.5;
    if (Math.abs(cx) > q.maxOffCentre || Math.abs(cy) > q.maxOffCentre) codes.push('off-centre');
  }
  const mid: Point = [(le[0] + re[0]) / 2, (le[1] + re[1]) / 2];
  if (eyeDist > 0 && Math.abs(nose[0] - mid[0]) / eyeDist > q.maxYawRatio) codes.push('head-turned');
  const opening = (from: number) => {
    const e = pts.slice(from, from + 6);
    const w = Math.hypot(e[3]![0] - e[0]![0], e[3]![1] - e[0]![1]);
    const h = (Math.hypot(e[1]![0] - e[5]![0], e[1]![1] - e[5]![1]) + Math.hypot(e[2]![0] - e[4]![0], e[2]![1] - e[4]![1])) / 2;
    return w > 0 ? h / w : 0;
  };
  if ((opening(36) + opening(42)) / 2 < q.minEyeOpening) codes.push('eyes-closed');
  const lum = luminanceStats(img, box.x, box.y, box.w, box.h);
  if (lum.mean < q.minLuminance) codes.push('too-dark');
  if (lum.mean > q.maxLuminance) codes.push('too-bright');
  if (lum.laplacianVariance < q.minSharpness) codes.push('blurred');
  return codes;
}

export interface AnalyseOptions {
  /** Run liveness (live frames); the chip photo does not need it. */
  liveness: boolean;
  /** Apply the capture gates that only make sense for a camera frame (centring). */
  cameraFrame: boolean;
  quality?: QualityConfig;
}

/**
 * Analyses one frame; frames given to the same models at once are analysed one after another.
 * The models' input buffers are wiped afterwards, so the crops do not outlive the call.
 */
export function analyseFrame(models: FaceModels, img: RgbImage, o: AnalyseOptions): Promise<FrameAnalysis> {
  return models.exclusive(async () => {
    try {
      return await analyse(models, img, o);
    } finally {
      models.wipeInputs();
    }
  });
}

async function analyse(models: FaceModels, img: RgbImage, o: AnalyseOptions): Promise<FrameAnalysis> {
  const ms: StageTimes = { detect: 0, landmarks: 0, align: 0, embed: 0, liveness: 0 };
  let t = now();
  const faces = await detectFaces(models, img);
  ms.detect = now() - t;
  if (faces.length === 0) return { faces: 0, box: null, landmarks: null, embedding: null, live: null, quality: ['no-face'], ms };
  // The largest face is the person at the kiosk.
  const box = faces.reduce((a, b) => (b.w * b.h > a.w * a.h ? b : a));
  t = now();
  const pts = await detectLandmarks(models, img, box);
  ms.landmarks = now() - t;
  t = now();
  const five = fivePoints(pts);
  const sim = fitSimilarity(five, TEMPLATE_112);
  const e = models.manifest.models.embedder;
  const aligned = warpToTensor(img, inverseMap(sim), e.input, models.input('embedder'));
  ms.align = now() - t;
  t = now();
  const raw = (await models.run('embedder', aligned))[e.outputs.embedding]!;
  let norm = 0;
  for (const v of raw) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  const embedding = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) embedding[i] = raw[i]! / norm;
  ms.embed = now() - t;
  let live: number | null = null;
  if (o.liveness) {
    t = now();
    live = await liveness(models, img, box);
    ms.liveness = now() - t;
  }
  const codes = quality(img, box, pts, faces.length, o.quality ?? DEFAULT_QUALITY, o.cameraFrame);
  if (alignmentError(five, sim) > 12) codes.push('head-turned');
  return { faces: faces.length, box, landmarks: pts, embedding, live, quality: [...new Set(codes)], ms };
}

export async function liveness(models: FaceModels, img: RgbImage, box: FaceBox): Promise<number> {
  const m = models.manifest.models.liveness;
  const side = Math.max(box.w, box.h) * m.cropScale;
  // Keep the crop inside the frame where it can be (shifted, not cut), as the model was trained.
  let x = box.x + box.w / 2 - side / 2;
  let y = box.y + box.h / 2 - side / 2;
  if (side <= img.width) x = Math.min(Math.max(0, x), img.width - side);
  if (side <= img.height) y = Math.min(Math.max(0, y), img.height - side);
  const out = (await models.run('liveness', cropToTensor(img, x, y, side, side, m.input, models.input('liveness'))))[m.outputs.classes]!;
  const max = Math.max(...out);
  const exps = Array.from(out, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps[m.liveClass]! / sum;
}

export function cosine(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
