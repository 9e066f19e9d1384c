// 68 facial landmarks on a grey square crop around the detected box, and the five points
// (eye centres, nose tip, mouth corners) the alignment uses.
import type { FaceBox } from './detect.js';
import type { FaceModels } from './face-models.js';
import { cropToTensor, type RgbImage } from './image.js';

export type Point = [number, number];

/** The square crop the landmark model sees: centred on the box, side = the box's longer side. */
export function landmarkSquare(b: FaceBox): { x: number; y: number; side: number } {
  const side = Math.max(b.w, b.h);
  return { x: b.x + b.w / 2 - side / 2, y: b.y + b.h / 2 - side / 2, side };
}

export async function detectLandmarks(models: FaceModels, img: RgbImage, box: FaceBox): Promise<Point[]> {
  const m = models.manifest.models.landmarks;
  const sq = landmarkSquare(box);
  const out = (await models.run('landmarks', cropToTensor(img, sq.x, sq.y, sq.side, sq.side, m.input, models.input('landmarks'))))[
    m.outputs.points
  ]!;
  const pts: Point[] = [];
  // Outputs are x, y pairs normalised to the crop.
  for (let i = 0; i + 1 < out.length && pts.length < 68; i += 2) pts.push([sq.x + out[i]! * sq.side, sq.y + out[i + 1]! * sq.side]);
  return pts;
}

const mean = (pts: Point[]): Point => [pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length];

/** Left eye, right eye (as seen in the image), nose tip, left and right mouth corners. */
export function fivePoints(p: Point[]): Point[] {
  return [mean(p.slice(36, 42)), mean(p.slice(42, 48)), p[30]!, p[48]!, p[54]!];
}
