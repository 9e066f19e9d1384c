// Images as the face pipeline sees them: RGB bytes in memory (never written anywhere), and
// the resampling that turns a region of one into a model's input tensor.

export interface RgbImage {
  width: number;
  height: number;
  /** Row-major RGB, 3 bytes a pixel. */
  data: Uint8Array;
}

/**
 * A camera frame as the UI captured it: RGBA from a canvas (4 bytes a pixel, alpha ignored),
 * or the camera's own I420 (a Y plane, then U and V at half size each way), with video
 * ("limited", 16–235) or full range levels, BT.601 colours as USB cameras send them.
 */
export interface CameraFrame {
  width: number;
  height: number;
  format: 'rgba' | 'i420' | 'i420-full';
  pixels: Uint8Array;
}

/** Bytes a frame of this size and format has. */
export function cameraFrameBytes(width: number, height: number, format: CameraFrame['format']): number {
  return format === 'rgba' ? width * height * 4 : width * height + 2 * ((width + 1) >> 1) * ((height + 1) >> 1);
}

/** The frame as RGB, in a new buffer (the face worker does it, off the kiosk's main loop). */
export function cameraFrameToRgb(f: CameraFrame): RgbImage {
  const { width: w, height: h, pixels: src } = f;
  const data = new Uint8Array(w * h * 3);
  if (f.format === 'rgba') {
    for (let i = 0, j = 0, k = 0; i < w * h; i++, j += 4, k += 3) {
      data[k] = src[j]!;
      data[k + 1] = src[j + 1]!;
      data[k + 2] = src[j + 2]!;
    }
    return { width: w, height: h, data };
  }
  const cw = (w + 1) >> 1;
  const uOff = w * h;
  const vOff = uOff + cw * ((h + 1) >> 1);
  // BT.601: video range scales 16–235 (luma) and 16–240 (chroma) to 0–255.
  const full = f.format === 'i420-full';
  const ys = full ? 1 : 255 / 219;
  const cs = full ? 1 : 255 / 224;
  const y0 = full ? 0 : 16;
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));
  for (let y = 0, k = 0; y < h; y++) {
    const crow = (y >> 1) * cw;
    for (let x = 0; x < w; x++, k += 3) {
      const Y = (src[y * w + x]! - y0) * ys;
      const U = (src[uOff + crow + (x >> 1)]! - 128) * cs;
      const V = (src[vOff + crow + (x >> 1)]! - 128) * cs;
      data[k] = clamp(Y + 1.402 * V);
      data[k + 1] = clamp(Y - 0.344136 * U - 0.714136 * V);
      data[k + 2] = clamp(Y + 1.772 * U);
    }
  }
  return { width: w, height: h, data };
}

export type Channels = 'rgb' | 'grey';

/** A model input: NCHW float32, `(p - mean) * scale`, sampled bilinearly from a quad of the image. */
export interface TensorSpec {
  width: number;
  height: number;
  channels: Channels;
  mean: number;
  scale: number;
}

/** A buffer the caller hands back frame after frame (every element gets written), or a new one. */
const tensorBuffer = (length: number, reuse?: Float32Array) => (reuse?.length === length ? reuse : new Float32Array(length));

/**
 * Samples the axis-aligned rectangle (x, y, w, h) of `img` (may reach outside: edge pixels
 * repeat) into a tensor of `spec`'s size. Source columns and their weights are worked out
 * once per call, not per pixel: this runs on every camera frame.
 */
export function cropToTensor(
  img: RgbImage,
  x: number,
  y: number,
  w: number,
  h: number,
  spec: TensorSpec,
  reuse?: Float32Array,
): Float32Array {
  const { width: ow, height: oh } = spec;
  const rgb = spec.channels === 'rgb';
  const out = tensorBuffer((rgb ? 3 : 1) * ow * oh, reuse);
  const sx = w / ow;
  const sy = h / oh;
  const W = img.width;
  const H = img.height;
  const d = img.data;
  const plane = ow * oh;
  const scale = spec.scale;
  const offset = -spec.mean * spec.scale;
  const col0 = new Int32Array(ow);
  const col1 = new Int32Array(ow);
  const colT = new Float64Array(ow);
  for (let ox = 0; ox < ow; ox++) {
    const fx = x + (ox + 0.5) * sx - 0.5;
    const x0 = Math.floor(fx);
    colT[ox] = fx - x0;
    col0[ox] = Math.min(W - 1, Math.max(0, x0)) * 3;
    col1[ox] = Math.min(W - 1, Math.max(0, x0 + 1)) * 3;
  }
  for (let oy = 0; oy < oh; oy++) {
    const fy = y + (oy + 0.5) * sy - 0.5;
    const y0 = Math.floor(fy);
    const ty = fy - y0;
    const r0 = Math.min(H - 1, Math.max(0, y0)) * W * 3;
    const r1 = Math.min(H - 1, Math.max(0, y0 + 1)) * W * 3;
    const row = oy * ow;
    for (let ox = 0; ox < ow; ox++) {
      const a = r0 + col0[ox]!;
      const b = r0 + col1[ox]!;
      const c = r1 + col0[ox]!;
      const e = r1 + col1[ox]!;
      const tx = colT[ox]!;
      // Interpolate along x on both rows, then along y.
      let t = d[a]! + (d[b]! - d[a]!) * tx;
      const R = t + (d[c]! + (d[e]! - d[c]!) * tx - t) * ty;
      t = d[a + 1]! + (d[b + 1]! - d[a + 1]!) * tx;
      const G = t + (d[c + 1]! + (d[e + 1]! - d[c + 1]!) * tx - t) * ty;
      t = d[a + 2]! + (d[b + 2]! - d[a + 2]!) * tx;
      const B = t + (d[c + 2]! + (d[e + 2]! - d[c + 2]!) * tx - t) * ty;
      if (rgb) {
        out[row + ox] = R * scale + offset;
        out[plane + row + ox] = G * scale + offset;
        out[2 * plane + row + ox] = B * scale + offset;
      } else {
        out[row + ox] = (0.299 * R + 0.587 * G + 0.114 * B) * scale + offset;
      }
    }
  }
  return out;
}

/**
 * Samples `img` through an affine map (output pixel → source point: [a, b, c; d, e, f]) into
 * a tensor: the warp of the aligned face.
 */
export function warpToTensor(
  img: RgbImage,
  m: [number, number, number, number, number, number],
  spec: TensorSpec,
  reuse?: Float32Array,
): Float32Array {
  const { width: ow, height: oh } = spec;
  const out = tensorBuffer(3 * ow * oh, reuse);
  const plane = ow * oh;
  const W = img.width;
  const H = img.height;
  const d = img.data;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const fx = m[0] * ox + m[1] * oy + m[2];
      const fy = m[3] * ox + m[4] * oy + m[5];
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const tx = fx - x0;
      const ty = fy - y0;
      const i = oy * ow + ox;
      const w00 = (1 - tx) * (1 - ty);
      const w01 = tx * (1 - ty);
      const w10 = (1 - tx) * ty;
      const w11 = tx * ty;
      // Outside the frame is black, as the alignment template expects.
      const in0 = y0 >= 0 && y0 < H;
      const in1 = y0 + 1 >= 0 && y0 + 1 < H;
      const inL = x0 >= 0 && x0 < W;
      const inR = x0 + 1 >= 0 && x0 + 1 < W;
      const o00 = in0 && inL ? (y0 * W + x0) * 3 : -1;
      const o01 = in0 && inR ? (y0 * W + x0 + 1) * 3 : -1;
      const o10 = in1 && inL ? ((y0 + 1) * W + x0) * 3 : -1;
      const o11 = in1 && inR ? ((y0 + 1) * W + x0 + 1) * 3 : -1;
      for (let ch = 0; ch < 3; ch++) {
        const v =
          (o00 >= 0 ? d[o00 + ch]! * w00 : 0) +
          (o01 >= 0 ? d[o01 + ch]! * w01 : 0) +
          (o10 >= 0 ? d[o10 + ch]! * w10 : 0) +
          (o11 >= 0 ? d[o11 + ch]! * w11 : 0);
        out[ch * plane + i] = (v - spec.mean) * spec.scale;
      }
    }
  }
  return out;
}

/** Mean luminance (0-255) and variance of the Laplacian (sharpness) over a rectangle. */
export function luminanceStats(img: RgbImage, x: number, y: number, w: number, h: number): { mean: number; laplacianVariance: number } {
  const x0 = Math.max(1, Math.floor(x));
  const y0 = Math.max(1, Math.floor(y));
  const x1 = Math.min(img.width - 1, Math.floor(x + w));
  const y1 = Math.min(img.height - 1, Math.floor(y + h));
  const lum = (px: number, py: number) => {
    const o = (py * img.width + px) * 3;
    return 0.299 * img.data[o]! + 0.587 * img.data[o + 1]! + 0.114 * img.data[o + 2]!;
  };
  let sum = 0;
  let n = 0;
  let lsum = 0;
  let lsq = 0;
  // Sample on a grid of at most ~80×80 points: enough for a gate, cheap on a 720p frame.
  const step = Math.max(1, Math.floor(Math.max(x1 - x0, y1 - y0) / 80));
  for (let py = y0; py < y1; py += step) {
    for (let px = x0; px < x1; px += step) {
      const c = lum(px, py);
      sum += c;
      const l = lum(px - 1, py) + lum(px + 1, py) + lum(px, py - 1) + lum(px, py + 1) - 4 * c;
      lsum += l;
      lsq += l * l;
      n++;
    }
  }
  if (n === 0) return { mean: 0, laplacianVariance: 0 };
  const lm = lsum / n;
  return { mean: sum / n, laplacianVariance: lsq / n - lm * lm };
}
