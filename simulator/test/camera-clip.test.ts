// The simulator camera's clips: Y4M written and read back, malformed files refused with a
// typed error, and frames that move. Subjects made from the face photos are skipped when the
// photos are not fetched (node models/fetch-test-photos.mjs).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseY4m, readY4m, subjectFrames, toY4m, Y4mError, type CameraSubject } from '../camera-clip.js';
import { CHIP_FACES, TEST_PHOTOS_DIR } from '../chip-photos.js';
import type { RawFrame } from '../live-frames.js';

const photos = existsSync(TEST_PHOTOS_DIR + CHIP_FACES[0]!.file);

/** A smooth test card: gradients in each channel, a different one per frame. */
function gradient(w: number, h: number, shift: number): RawFrame {
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      data[i] = Math.round((255 * x) / (w - 1));
      data[i + 1] = Math.round((255 * y) / (h - 1));
      data[i + 2] = (x + y + shift * 16) % 256 < 128 ? 60 : 190;
    }
  return { width: w, height: h, channels: 3, data };
}

function maxDiff(a: Uint8Array, b: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function meanDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** Means over 8×8 blocks: what is left of a frame without its sensor noise. */
function coarse(f: RawFrame): Float64Array {
  const w = f.width >> 3;
  const out = new Float64Array(w * (f.height >> 3) * 3);
  for (let y = 0; y < f.height; y++)
    for (let x = 0; x < f.width; x++)
      for (let k = 0; k < 3; k++) out[((y >> 3) * w + (x >> 3)) * 3 + k]! += f.data[(y * f.width + x) * 3 + k]! / 64;
  return out;
}

const header = (fields: string) => Buffer.from(`YUV4MPEG2 ${fields}\n`, 'latin1');
const frame = (bytes: number) => Buffer.concat([Buffer.from('FRAME\n'), Buffer.alloc(bytes, 128)]);

describe('Y4M', () => {
  it('writes the header Chromium plays and reads its frames back within chroma subsampling', () => {
    const frames = [gradient(64, 48, 0), gradient(64, 48, 1)];
    const y4m = toY4m(frames, 15);
    expect(y4m.subarray(0, 47).toString('latin1')).toBe('YUV4MPEG2 W64 H48 F15:1 Ip A1:1 C420jpeg\nFRAME\n');
    expect(y4m.length).toBe(41 + 2 * (6 + 64 * 48 * 1.5));
    const clip = readY4m(y4m);
    expect([clip.width, clip.height, clip.fps, clip.frames.length]).toEqual([64, 48, 15, 2]);
    for (const [i, f] of clip.frames.entries()) {
      // Luma is exact to rounding; colour is shared by 2×2 pixels, so only edges in the blue
      // stripes can be off by more than a few levels, and on average it is close.
      expect(meanDiff(f.data, frames[i]!.data)).toBeLessThan(4);
      expect(maxDiff(f.data, frames[i]!.data)).toBeLessThan(80);
    }
  });

  it('round-trips flat 2×2 blocks to within quantisation', () => {
    const f = gradient(32, 32, 0);
    // Each 2×2 block one colour: nothing for subsampling to lose.
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++)
        f.data.copyWithin((y * 32 + x) * 3, (((y >> 1) << 1) * 32 + ((x >> 1) << 1)) * 3, (((y >> 1) << 1) * 32 + ((x >> 1) << 1)) * 3 + 3);
    expect(maxDiff(parseY4m(toY4m([f]))[0]!.data, f.data)).toBeLessThanOrEqual(3);
  });

  it('refuses to write frames of different sizes or odd sides', () => {
    expect(() => toY4m([gradient(64, 48, 0), gradient(32, 48, 0)])).toThrow(Y4mError);
    expect(() => toY4m([gradient(63, 48, 0)])).toThrow(Y4mError);
    expect(() => toY4m([])).toThrow(Y4mError);
  });

  const good = Buffer.concat([header('W4 H2 F15:1 Ip A1:1 C420jpeg'), frame(12)]);
  it.each<[string, Buffer, string]>([
    ['an empty file', Buffer.alloc(0), 'not-y4m'],
    ['another format', Buffer.from('\x89PNG\r\n\x1a\n....'), 'not-y4m'],
    ['a header with no end', Buffer.from('YUV4MPEG2 W4 H2 F15:1'), 'truncated'],
    ['a header without a size', Buffer.concat([header('F15:1'), frame(12)]), 'bad-header'],
    ['a garbled width', Buffer.concat([header('W4x H2 F15:1'), frame(12)]), 'bad-header'],
    ['a zero frame rate', Buffer.concat([header('W4 H2 F0:1'), frame(12)]), 'bad-header'],
    ['an absurd size', Buffer.concat([header('W99999 H2 F15:1'), frame(12)]), 'bad-header'],
    ['an unknown field', Buffer.concat([header('W4 H2 F15:1 Q9'), frame(12)]), 'bad-header'],
    ['control bytes in the header', Buffer.concat([header('W4 H2\x00 F15:1'), frame(12)]), 'bad-header'],
    ['double spaces in the header', Buffer.concat([header('W4  H2 F15:1'), frame(12)]), 'bad-header'],
    ['a header line of a megabyte', Buffer.concat([header('W4 H2 F15:1 X' + 'a'.repeat(1 << 20)), frame(12)]), 'bad-header'],
    ['4:4:4 colour', Buffer.concat([header('W4 H2 F15:1 C444'), frame(24)]), 'unsupported'],
    ['interlaced frames', Buffer.concat([header('W4 H2 F15:1 It'), frame(12)]), 'unsupported'],
    ['an odd width', Buffer.concat([header('W3 H2 F15:1'), frame(9)]), 'unsupported'],
    ['no frames', header('W4 H2 F15:1'), 'no-frames'],
    ['a truncated frame', good.subarray(0, good.length - 1), 'truncated'],
    ['a frame header cut short', Buffer.concat([good, Buffer.from('FRA')]), 'truncated'],
    ['a frame too long', Buffer.concat([good, Buffer.alloc(5, 7)]), 'truncated'],
    ['a frame without FRAME', Buffer.concat([good, Buffer.from('FRAMES\n'), Buffer.alloc(12)]), 'bad-frame'],
  ])('refuses %s with a typed error', (_, bytes, code) => {
    let err: unknown;
    try {
      parseY4m(bytes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Y4mError);
    expect((err as Y4mError).code).toBe(code);
  });

  it('reads frame headers with parameters and X fields in the stream header', () => {
    const bytes = Buffer.concat([
      header('W4 H2 F30000:1001 Ip A0:0 C420 XCOLORRANGE=LIMITED'),
      frame(12),
      Buffer.from('FRAME Ixyz\n'),
      Buffer.alloc(12, 128),
    ]);
    const clip = readY4m(bytes);
    expect(clip.frames).toHaveLength(2);
    expect(clip.fps).toBeCloseTo(29.97, 2);
  });
});

describe('subject frames', () => {
  async function expectMoving(subject: CameraSubject): Promise<RawFrame[]> {
    const frames = (await subjectFrames(subject, { seed: 'cccd', citizen: 0, count: 4 }))!;
    expect(frames).toHaveLength(4);
    for (const f of frames) expect([f.width, f.height, f.channels, f.data.length]).toEqual([640, 480, 3, 640 * 480 * 3]);
    // Every frame differs from the one before by more than its noise: the picture moves.
    const moves = frames.slice(1).map((f, i) => meanDiff(coarse(f), coarse(frames[i]!)));
    console.log(`${subject}: mean change between frames (8x8 means) ${moves.map((m) => m.toFixed(2)).join(' ')}`);
    for (const m of moves) expect(m).toBeGreaterThan(0.5);
    return frames;
  }

  it('of an empty room move and are the same for the same seed, different for another', async () => {
    const a = await expectMoving('nobody');
    const again = (await subjectFrames('nobody', { seed: 'cccd', citizen: 0, count: 4 }))!;
    expect(Buffer.from(again[3]!.data).equals(Buffer.from(a[3]!.data))).toBe(true);
    const other = (await subjectFrames('nobody', { seed: 'other', citizen: 0, count: 1 }))!;
    expect(meanDiff(other[0]!.data, a[0]!.data)).toBeGreaterThan(5);
  });

  it.skipIf(!photos).each<CameraSubject>(['holder', 'other', 'two', 'print', 'screen'])('of %s move', async (subject) => {
    await expectMoving(subject);
  });

  it.skipIf(photos)('that need the face photos are null without them', async () => {
    expect(await subjectFrames('holder', { seed: 'cccd', citizen: 0, count: 1 })).toBeNull();
    expect(await subjectFrames('print', { seed: 'cccd', citizen: 0, count: 1 })).toBeNull();
  });

  it('refuse a count below one', async () => {
    await expect(subjectFrames('nobody', { seed: 'cccd', citizen: 0, count: 0 })).rejects.toThrow(RangeError);
  });
});
