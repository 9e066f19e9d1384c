// Camera frames of a citizen's face for the simulator, tests and benchmarks: the same person
// as the chip photo, seen the way the kiosk camera sees them (640x480, the face filling the
// middle, anyone behind out of focus, small shifts and light changes from frame to frame), or
// another citizen, or nobody.
// Frames are raw RGB so the face worker gets them as a camera would hand them over.
import { existsSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { CHIP_FACES, citizenFaceIndex, TEST_PHOTOS_DIR } from './chip-photos.js';

export interface RawFrame {
  width: number;
  height: number;
  channels: 3;
  data: Uint8Array;
}

const W = 640;
const H = 480;

/**
 * `count` frames of face `faceIndex` (CHIP_FACES), or null when the test photos are not fetched.
 * Most source photos are group photos: cropped with a camera's margin, a frame would show the
 * neighbours too, and the capture gate rightly refuses a frame with several faces. So the frame
 * is what a kiosk camera focused on the person in front of it sees: the person sharp, the
 * people behind out of focus (a strong blur, which no detector takes for a face).
 */
export async function faceFrames(faceIndex: number, count: number): Promise<RawFrame[] | null> {
  const f = CHIP_FACES[faceIndex % CHIP_FACES.length]!;
  const path = TEST_PHOTOS_DIR + f.file;
  if (!existsSync(path)) return null;
  // Decoded once: the source photos are large JPEGs, and each frame is cut from them.
  const decoded = await sharp(readFileSync(path)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const meta = decoded.info;
  const src = decoded.data;
  const srcRaw = { raw: { width: meta.width, height: meta.height, channels: meta.channels } };
  const frames: RawFrame[] = [];
  for (let i = 0; i < count; i++) {
    // Around the face with a camera's margin, nudged a little each frame.
    const grow = 1.5 + 0.05 * (i % 3);
    const w = Math.min(meta.width, Math.round(f.width * grow * 1.1));
    const h = Math.min(meta.height, Math.round((w * 3) / 4));
    const cx = f.left + f.width / 2 + ((i % 5) - 2) * f.width * 0.01;
    const cy = f.top + f.height / 2;
    const left = Math.max(0, Math.min(meta.width - w, Math.round(cx - w / 2)));
    const top = Math.max(0, Math.min(meta.height - h, Math.round(cy - h / 2)));
    const inFocus = await sharp(src, srcRaw)
      .extract({ left, top, width: w, height: h })
      .resize(W, H, { fit: 'cover' })
      .modulate({ brightness: 1 + ((i % 4) - 1.5) * 0.03 })
      .removeAlpha()
      .raw()
      .toBuffer();
    // Where the chip photo's box landed in the frame ('cover' scales by the larger ratio and centres).
    const scale = Math.max(W / w, H / h);
    const box = {
      x: (f.left - left) * scale - (w * scale - W) / 2,
      y: (f.top - top) * scale - (h * scale - H) / 2,
      w: f.width * scale,
      h: f.height * scale,
    };
    const raw = { raw: { width: W, height: H, channels: 3 as const } };
    // Blurred at a quarter of the size (the same out-of-focus look, a sixteenth of the work).
    const small = await sharp(inFocus, raw)
      .resize(W / 4, H / 4)
      .blur(BACKGROUND_BLUR / 4)
      .raw()
      .toBuffer();
    const background = await sharp(small, { raw: { width: W / 4, height: H / 4, channels: 3 } })
      .resize(W, H)
      .raw()
      .toBuffer();
    // The head sharp over the blurred background, blended through an elliptical mask.
    const data = new Uint8Array(W * H * 3);
    const hx = box.x + box.w / 2;
    const hy = box.y + box.h / 2;
    for (let y = 0, p = 0; y < H; y++) {
      const dy = (y - hy) / (box.h / 2);
      for (let x = 0; x < W; x++, p += 3) {
        const a = focusAlpha(Math.hypot((x - hx) / (box.w / 2), dy));
        for (let c = 0; c < 3; c++) data[p + c] = Math.round(inFocus[p + c]! * a + background[p + c]! * (1 - a));
      }
    }
    frames.push({ width: W, height: H, channels: 3, data });
  }
  return frames;
}

/** Gaussian sigma of the out-of-focus background, in frame pixels. */
const BACKGROUND_BLUR = 30;

/** Opaque over the head (distance < 0.8 of the ellipse inscribed in the chip photo's box), fading out to its rim. */
function focusAlpha(d: number): number {
  return d <= 0.8 ? 1 : d >= 1 ? 0 : (1 - d) / 0.2;
}

/** Frames of the holder of the simulator's card `seed`/`index`. */
export function holderFrames(seed: string, index: number, count: number): Promise<RawFrame[] | null> {
  return faceFrames(citizenFaceIndex(seed, index), count);
}

/** An empty room: a grey frame with some texture. */
export function emptyFrames(count: number): RawFrame[] {
  return Array.from({ length: count }, (_, i) => {
    const data = new Uint8Array(W * H * 3);
    for (let p = 0; p < data.length; p++) data[p] = 110 + ((p * 7 + i * 13) % 23);
    return { width: W, height: H, channels: 3 as const, data };
  });
}

/**
 * A camera for tests and benchmarks: hands out the frames it is shown, in a loop, one per
 * request (as the kiosk asks for frames), each a fresh copy since the face worker takes the
 * buffer over. `show(null)` unplugs it. It has the shape of main/core's FrameSource.
 */
export class LoopingCamera {
  readonly name = 'simulator looping camera';
  private frames: RawFrame[] | null;
  private i = 0;
  /** Frames handed out so far. */
  served = 0;

  constructor(
    frames: RawFrame[] | null,
    private readonly intervalMs = 0,
  ) {
    this.frames = frames;
  }

  show(frames: RawFrame[] | null): void {
    this.frames = frames;
    this.i = 0;
  }

  available(): boolean {
    return this.frames !== null && this.frames.length > 0;
  }

  async next(signal: AbortSignal): Promise<RawFrame | null> {
    if (this.intervalMs > 0) await new Promise((r) => setTimeout(r, this.intervalMs));
    if (signal.aborted || !this.frames || this.frames.length === 0) return null;
    const f = this.frames[this.i++ % this.frames.length]!;
    this.served++;
    return { width: f.width, height: f.height, channels: 3, data: f.data.slice() };
  }
}
