// Five-point similarity alignment (least squares, Umeyama without reflection) of a face to
// the standard 112×112 template of ArcFace-style embedders, and the affine map that samples it.
import type { Point } from './landmarks.js';

/** The usual five-point template for 112×112 face crops: eye centres, nose tip, mouth corners. */
export const TEMPLATE_112: Point[] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

export interface Similarity {
  /** dst = [[a, -b], [b, a]] · src + [tx, ty] */
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export function fitSimilarity(src: Point[], dst: Point[]): Similarity {
  const n = src.length;
  let msx = 0,
    msy = 0,
    mdx = 0,
    mdy = 0;
  for (let i = 0; i < n; i++) {
    msx += src[i]![0];
    msy += src[i]![1];
    mdx += dst[i]![0];
    mdy += dst[i]![1];
  }
  msx /= n;
  msy /= n;
  mdx /= n;
  mdy /= n;
  let dot = 0,
    cross = 0,
    norm = 0;
  for (let i = 0; i < n; i++) {
    const sx = src[i]![0] - msx,
      sy = src[i]![1] - msy,
      dx = dst[i]![0] - mdx,
      dy = dst[i]![1] - mdy;
    dot += sx * dx + sy * dy;
    cross += sx * dy - sy * dx;
    norm += sx * sx + sy * sy;
  }
  if (norm === 0) return { a: 1, b: 0, tx: mdx - msx, ty: mdy - msy };
  const a = dot / norm;
  const b = cross / norm;
  return { a, b, tx: mdx - (a * msx - b * msy), ty: mdy - (b * msx + a * msy) };
}

/** The map from template pixels back to image pixels (what warpToTensor samples with). */
export function inverseMap(t: Similarity): [number, number, number, number, number, number] {
  const k = t.a * t.a + t.b * t.b;
  const ia = t.a / k;
  const ib = t.b / k;
  // src = [[ia, ib], [-ib, ia]] · (dst - t)
  return [ia, ib, -(ia * t.tx + ib * t.ty), -ib, ia, -(-ib * t.tx + ia * t.ty)];
}

/** Mean distance (template pixels) between the aligned points and the template: how well five points fit a face. */
export function alignmentError(src: Point[], t: Similarity, dst: Point[] = TEMPLATE_112): number {
  let e = 0;
  for (let i = 0; i < src.length; i++) {
    const x = t.a * src[i]![0] - t.b * src[i]![1] + t.tx;
    const y = t.b * src[i]![0] + t.a * src[i]![1] + t.ty;
    e += Math.hypot(x - dst[i]![0], y - dst[i]![1]);
  }
  return e / src.length;
}
