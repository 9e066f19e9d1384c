// Camera frames of a citizen's face for the simulator, tests and benchmarks: the same person
// as the chip photo, seen the way the kiosk camera sees them (640x480, the face filling the
// middle, small shifts and light changes from frame to frame), or another citizen, or nobody.
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

/** `count` frames of face `faceIndex` (CHIP_FACES), or null when the test photos are not fetched. */
export async function faceFrames(faceIndex: number, count: number): Promise<RawFrame[] | null> {
  const f = CHIP_FACES[faceIndex % CHIP_FACES.length]!;
  const path = TEST_PHOTOS_DIR + f.file;
  if (!existsSync(path)) return null;
  const src = readFileSync(path);
  const meta = await sharp(src).metadata();
  const frames: RawFrame[] = [];
  // The face's own rectangle (a little wider), so that people beside it in a group photo stay
  // out of view: one person in front of the kiosk, on a plain background.
  const mx = Math.round(f.width * 0.08);
  const my = Math.round(f.height * 0.05);
  const left = Math.max(0, f.left - mx);
  const top = Math.max(0, f.top - my);
  const width = Math.min(meta.width! - left, f.width + 2 * mx);
  const height = Math.min(meta.height! - top, f.height + 2 * my);
  const faceH = 400;
  const faceW = Math.round((width * faceH) / height);
  for (let i = 0; i < count; i++) {
    const face = await sharp(src)
      .extract({ left, top, width, height })
      .resize(faceW, faceH)
      .modulate({ brightness: 1 + ((i % 4) - 1.5) * 0.03 })
      .removeAlpha()
      .png()
      .toBuffer();
    // Small shifts from frame to frame, as a person standing still still moves.
    const dx = ((i % 5) - 2) * 4;
    const dy = ((i % 3) - 1) * 3;
    const data = await sharp({ create: { width: W, height: H, channels: 3, background: { r: 128, g: 126, b: 122 } } })
      .composite([{ input: face, left: Math.round((W - faceW) / 2) + dx, top: Math.round((H - faceH) / 2) + dy }])
      .removeAlpha()
      .raw()
      .toBuffer();
    frames.push({ width: W, height: H, channels: 3, data: new Uint8Array(data) });
  }
  return frames;
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
