// Face detection (UltraFace-style: scores and already-decoded corner boxes, normalised to the
// input) on the whole frame, then non-maximum suppression. Boxes come back in frame pixels.
import type { FaceModels } from './face-models.js';
import { cropToTensor, type RgbImage } from './image.js';

export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

const iou = (a: FaceBox, b: FaceBox) => {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.w, b.x + b.w);
  const y2 = Math.min(a.y + a.h, b.y + b.h);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  return inter / (a.w * a.h + b.w * b.h - inter);
};

export async function detectFaces(models: FaceModels, img: RgbImage, minScore = 0.7, nmsIou = 0.3): Promise<FaceBox[]> {
  const m = models.manifest.models.detector;
  const out = await models.run('detector', cropToTensor(img, 0, 0, img.width, img.height, m.input, models.input('detector')));
  const scores = out[m.outputs.scores]!;
  const boxes = out[m.outputs.boxes]!;
  const found: FaceBox[] = [];
  for (let i = 0; i < scores.length / 2; i++) {
    const s = scores[i * 2 + 1]!;
    if (!(s >= minScore)) continue;
    const x1 = Math.max(0, boxes[i * 4]!) * img.width;
    const y1 = Math.max(0, boxes[i * 4 + 1]!) * img.height;
    const x2 = Math.min(1, boxes[i * 4 + 2]!) * img.width;
    const y2 = Math.min(1, boxes[i * 4 + 3]!) * img.height;
    if (x2 - x1 < 2 || y2 - y1 < 2) continue;
    found.push({ x: x1, y: y1, w: x2 - x1, h: y2 - y1, score: s });
  }
  found.sort((a, b) => b.score - a.score);
  const kept: FaceBox[] = [];
  for (const b of found) if (kept.every((k) => iou(k, b) <= nmsIou)) kept.push(b);
  return kept;
}
