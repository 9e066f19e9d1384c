// YUV4MPEG2 (.y4m) clips: what Chromium's fake camera plays with
// --use-fake-device-for-media-stream --use-file-for-fake-video-capture=FILE.y4m (looped).
// Writing 4:2:0 from RGB, and a strict reader for tests and for files a user hands us.
import type { RawFrame } from './live-frames.js';

export type Y4mErrorCode = 'not-y4m' | 'bad-header' | 'unsupported' | 'bad-frame' | 'truncated' | 'no-frames';

export class Y4mError extends Error {
  constructor(
    readonly code: Y4mErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'Y4mError';
  }
}

const SIGNATURE = 'YUV4MPEG2';
/** Longest stream or frame header line accepted; real ones are under 100 bytes. */
const MAX_HEADER = 1024;
/** Largest side accepted, so that a hostile header cannot ask for gigabytes. */
const MAX_SIDE = 8192;

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/**
 * Frames (RGB, all one size) as a Y4M clip, I420 with BT.601 limited-range coefficients:
 * an I420 file carries no colour description, and that is what Chromium assumes for one.
 * Chroma is the mean over each 2×2 block (centred siting, hence C420jpeg).
 */
export function toY4m(frames: RawFrame[], fps = 15): Buffer {
  if (frames.length === 0) throw new Y4mError('no-frames', 'a clip needs at least one frame');
  if (!Number.isInteger(fps) || fps < 1 || fps > 240)
    throw new Y4mError('bad-header', `fps must be a whole number from 1 to 240, not ${fps}`);
  const { width: w, height: h } = frames[0]!;
  if (w % 2 || h % 2 || w < 2 || h < 2 || w > MAX_SIDE || h > MAX_SIDE)
    throw new Y4mError('unsupported', `frames must have even sides of at most ${MAX_SIDE}, not ${w}x${h}`);
  const header = Buffer.from(`${SIGNATURE} W${w} H${h} F${fps}:1 Ip A1:1 C420jpeg\n`, 'latin1');
  const frameHeader = Buffer.from('FRAME\n', 'latin1');
  const planes = (w * h * 3) / 2;
  const out = Buffer.alloc(header.length + frames.length * (frameHeader.length + planes));
  let at = header.copy(out, 0);
  for (const [n, f] of frames.entries()) {
    if (f.width !== w || f.height !== h || f.channels !== 3 || f.data.length !== w * h * 3)
      throw new Y4mError('bad-frame', `frame ${n} is not ${w}x${h} RGB like the first`);
    at += frameHeader.copy(out, at);
    rgbToI420(f.data, w, h, out.subarray(at, at + planes));
    at += planes;
  }
  return out;
}

function rgbToI420(rgb: Uint8Array, w: number, h: number, out: Uint8Array): void {
  const u0 = w * h;
  const v0 = u0 + (w * h) / 4;
  for (let p = 0, i = 0; p < w * h; p++, i += 3)
    out[p] = clamp(16 + (65.481 * rgb[i]! + 128.553 * rgb[i + 1]! + 24.966 * rgb[i + 2]!) / 255);
  for (let y = 0; y < h; y += 2)
    for (let x = 0; x < w; x += 2) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const i = ((y + dy) * w + x + dx) * 3;
        r += rgb[i]!;
        g += rgb[i + 1]!;
        b += rgb[i + 2]!;
      }
      const c = (y / 2) * (w / 2) + x / 2;
      out[u0 + c] = clamp(128 + (-37.797 * r - 74.203 * g + 112 * b) / 1020);
      out[v0 + c] = clamp(128 + (112 * r - 93.786 * g - 18.214 * b) / 1020);
    }
}

function i420ToRgb(yuv: Uint8Array, w: number, h: number): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  const u0 = w * h;
  const v0 = u0 + (w * h) / 4;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const c = (y >> 1) * (w >> 1) + (x >> 1);
      const l = 1.164 * (yuv[y * w + x]! - 16);
      const cb = yuv[u0 + c]! - 128;
      const cr = yuv[v0 + c]! - 128;
      const i = (y * w + x) * 3;
      rgb[i] = clamp(l + 1.596 * cr);
      rgb[i + 1] = clamp(l - 0.392 * cb - 0.813 * cr);
      rgb[i + 2] = clamp(l + 2.017 * cb);
    }
  return rgb;
}

export interface Y4mClip {
  width: number;
  height: number;
  fps: number;
  frames: RawFrame[];
}

/** The frames of a 4:2:0 progressive Y4M clip as RGB; anything else is refused with a Y4mError. */
export function parseY4m(buf: Uint8Array): RawFrame[] {
  return readY4m(buf).frames;
}

/** Like parseY4m, with the stream's size and frame rate. */
export function readY4m(buf: Uint8Array): Y4mClip {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.length < SIGNATURE.length + 1 || bytes.toString('latin1', 0, SIGNATURE.length + 1) !== SIGNATURE + ' ')
    throw new Y4mError('not-y4m', 'not a Y4M clip (no YUV4MPEG2 signature)');
  const [line, afterHeader] = headerLine(bytes, 0, 'stream');
  let width = 0;
  let height = 0;
  let fps = 0;
  for (const token of line.split(' ').slice(1)) {
    const [tag, value] = [token[0], token.slice(1)];
    if (tag === 'W' || tag === 'H') {
      if (!/^[1-9]\d{0,4}$/.test(value) || Number(value) > MAX_SIDE) throw new Y4mError('bad-header', `bad ${tag} "${value}"`);
      if (tag === 'W') width = Number(value);
      else height = Number(value);
    } else if (tag === 'F') {
      const m = /^([1-9]\d{0,8}):([1-9]\d{0,8})$/.exec(value);
      if (!m) throw new Y4mError('bad-header', `bad frame rate "${value}"`);
      fps = Number(m[1]) / Number(m[2]);
    } else if (tag === 'I') {
      if (value !== 'p' && value !== '?') throw new Y4mError('unsupported', `only progressive clips are read, not I${value}`);
    } else if (tag === 'C') {
      if (!['420jpeg', '420', '420paldv', '420mpeg2'].includes(value))
        throw new Y4mError('unsupported', `only 4:2:0 clips are read, not C${value}`);
    } else if (tag === 'A') {
      if (!/^\d+:\d+$/.test(value)) throw new Y4mError('bad-header', `bad aspect ratio "${value}"`);
    } else if (tag !== 'X') throw new Y4mError('bad-header', `unknown header field "${token}"`);
  }
  if (!width || !height || !fps) throw new Y4mError('bad-header', 'the header needs W, H and F');
  if (width % 2 || height % 2) throw new Y4mError('unsupported', `only even sizes are read, not ${width}x${height}`);
  const planes = (width * height * 3) / 2;
  const frames: RawFrame[] = [];
  let at = afterHeader;
  while (at < bytes.length) {
    const [frameLine, data] = headerLine(bytes, at, `frame ${frames.length}`);
    if (frameLine !== 'FRAME' && !frameLine.startsWith('FRAME '))
      throw new Y4mError('bad-frame', `frame ${frames.length} does not start with FRAME`);
    if (data + planes > bytes.length)
      throw new Y4mError('truncated', `frame ${frames.length} has ${bytes.length - data} of its ${planes} bytes`);
    frames.push({ width, height, channels: 3, data: i420ToRgb(bytes.subarray(data, data + planes), width, height) });
    at = data + planes;
  }
  if (frames.length === 0) throw new Y4mError('no-frames', 'the clip has no frames');
  return { width, height, fps, frames };
}

/** The header line starting at `from` (without its newline) and where what follows it starts. */
function headerLine(bytes: Buffer, from: number, what: string): [string, number] {
  const end = bytes.indexOf(0x0a, from);
  if (end < 0 || end - from > MAX_HEADER) {
    if (end < 0 && bytes.length - from <= MAX_HEADER) throw new Y4mError('truncated', `the ${what} header has no end`);
    throw new Y4mError('bad-header', `the ${what} header is longer than ${MAX_HEADER} bytes`);
  }
  const line = bytes.toString('latin1', from, end);
  // Headers are printable ASCII fields separated by single spaces.
  if (!/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(line)) throw new Y4mError('bad-header', `the ${what} header is garbled`);
  return [line, end + 1];
}
