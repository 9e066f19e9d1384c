// Drawing a flat picture (a sheet of paper, a phone) into a camera frame as the camera sees
// it when held up: any four corners, so tilt and perspective come from where they are put.
import type { RawFrame } from './live-frames.js';

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, 4 bytes a pixel. */
  data: Uint8Array;
}

export type Point = readonly [number, number];
/** Where the picture's top-left, top-right, bottom-right and bottom-left corners land. */
export type Quad = readonly [Point, Point, Point, Point];

/** The first eight entries a..h of a 3×3 projective matrix (the ninth is 1). */
type Projective = [number, number, number, number, number, number, number, number];

/** The projective map from the unit square onto `q` (corner order of Quad). */
function squareToQuad(q: Quad): Projective {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  let g = 0;
  let h = 0;
  if (Math.abs(sx) > 1e-9 || Math.abs(sy) > 1e-9) {
    const [dx1, dx2, dy1, dy2] = [x1 - x2, x3 - x2, y1 - y2, y3 - y2];
    const den = dx1 * dy2 - dx2 * dy1;
    g = (sx * dy2 - dx2 * sy) / den;
    h = (dx1 * sy - sx * dy1) / den;
  }
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h];
}

function invert([a, b, c, d, e, f, g, h]: Projective): Projective {
  // The adjugate, scaled so that its ninth entry is 1.
  const m = [e - f * h, c * h - b, b * f - c * e, f * g - d, a - c * g, c * d - a * f, d * h - e * g, b * g - a * h, a * e - b * d];
  return m.slice(0, 8).map((v) => v / m[8]!) as Projective;
}

/**
 * Draws `src` into `dst` (in place) with its corners at `quad`, blending by its alpha.
 * Sampling is bilinear and not low-passed, so fine patterns (a screen's pixel grid) alias
 * into moiré as they do on a real camera. `glare(u, v)`, if given, brightens the picture at
 * that point of it (0..1 across, 0..1 down) by a number of levels: reflections on glass.
 */
export function drawQuad(dst: RawFrame, src: RgbaImage, quad: Quad, glare?: (u: number, v: number) => number): void {
  const [a, b, c, d, e, f, g, h] = invert(squareToQuad(quad));
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(dst.width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(dst.height - 1, Math.ceil(Math.max(...ys)));
  const { width: sw, height: sh, data: s } = src;
  for (let y = y0; y <= y1; y++)
    for (let x = x0; x <= x1; x++) {
      // Pixel centres, so that the picture's edges fall between pixels as they should.
      const px = x + 0.5;
      const py = y + 0.5;
      const w = g * px + h * py + 1;
      const u = (a * px + b * py + c) / w;
      const v = (d * px + e * py + f) / w;
      if (u < 0 || u >= 1 || v < 0 || v >= 1) continue;
      const fx = Math.min(u * sw - 0.5, sw - 1.001);
      const fy = Math.min(v * sh - 0.5, sh - 1.001);
      const ix = Math.max(0, Math.floor(fx));
      const iy = Math.max(0, Math.floor(fy));
      const tx = Math.max(0, fx - ix);
      const ty = Math.max(0, fy - iy);
      const i00 = (iy * sw + ix) * 4;
      const i10 = i00 + 4;
      const i01 = i00 + sw * 4;
      const i11 = i01 + 4;
      const mix = (k: number) => (s[i00 + k]! * (1 - tx) + s[i10 + k]! * tx) * (1 - ty) + (s[i01 + k]! * (1 - tx) + s[i11 + k]! * tx) * ty;
      const alpha = mix(3) / 255;
      if (alpha <= 0) continue;
      const lift = glare ? glare(u, v) : 0;
      const o = (y * dst.width + x) * 3;
      for (let k = 0; k < 3; k++) {
        const v = Math.min(255, mix(k) + lift);
        dst.data[o + k] = Math.round(dst.data[o + k]! * (1 - alpha) + v * alpha);
      }
    }
}
