// What the simulator's virtual camera shows: the card's holder, someone else, nobody, two
// people, or the holder's chip photo held up on paper or on a phone. Frames are 640x480 RGB and
// move (pose, exposure, noise, a hand's tremor), as a looping clip of one still would be
// nothing like a camera. Everything follows from (subject, seed, citizen), so a clip written
// today is byte-identical tomorrow. toY4m turns them into the file Chromium's fake camera plays.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { CHIP_FACES, citizenFaceIndex, photoFace } from './chip-photos.js';
import { phoneShowing, printedSheet } from './held-photo.js';
import { faceFrames, type RawFrame } from './live-frames.js';
import { drawQuad, type Quad, type RgbaImage } from './quad-warp.js';
import { drawRoom, expose, FRAME_H, FRAME_W } from './room-scene.js';

export { parseY4m, readY4m, toY4m, Y4mError, type Y4mClip, type Y4mErrorCode } from './y4m.js';

export const CAMERA_SUBJECTS = ['holder', 'other', 'nobody', 'two', 'print', 'screen'] as const;
export type CameraSubject = (typeof CAMERA_SUBJECTS)[number];

export function isCameraSubject(s: string): s is CameraSubject {
  return (CAMERA_SUBJECTS as readonly string[]).includes(s);
}

export interface ClipOptions {
  /** The seed of `kiosk sim citizens`/`sim chip`. */
  seed: string;
  /** The citizen's index under that seed: the card's holder. */
  citizen: number;
  /** How many frames. */
  count: number;
}

/** A deterministic generator of numbers in [0, 1) (mulberry32), keyed by a string. */
function random(key: string): () => number {
  let s = createHash('sha256').update(key).digest().readUInt32LE(0);
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Another person than the holder (CHIP_FACES has one entry per person), chosen by the seed. */
export function otherFaceIndex(seed: string, citizen: number): number {
  const n = CHIP_FACES.length;
  const step = 1 + (createHash('sha256').update(`${seed}/${citizen}/other`).digest()[0]! % (n - 1));
  return (citizenFaceIndex(seed, citizen) + step) % n;
}

/**
 * `count` frames of `subject` in front of the camera, or null when the subject needs the face
 * photos and they are not fetched (node models/fetch-test-photos.mjs fetches them).
 */
export async function subjectFrames(subject: CameraSubject, o: ClipOptions): Promise<RawFrame[] | null> {
  if (!Number.isInteger(o.count) || o.count < 1) throw new RangeError(`count must be a whole number above 0, not ${o.count}`);
  const rand = random(`${subject}/${o.seed}/${o.citizen}`);
  const holder = citizenFaceIndex(o.seed, o.citizen);
  switch (subject) {
    case 'holder':
      return sensed(await faceFrames(holder, o.count), rand);
    case 'other':
      return sensed(await faceFrames(otherFaceIndex(o.seed, o.citizen), o.count), rand);
    case 'nobody': {
      const room = await drawRoom(rand);
      return Array.from({ length: o.count }, (_, i) => expose(room.view(i), i, rand));
    }
    case 'two':
      return twoPeople(holder, otherFaceIndex(o.seed, o.citizen), o.count, rand);
    case 'print':
    case 'screen': {
      const photo = await photoFace(holder);
      if (!photo) return null;
      const held = subject === 'print' ? await printedSheet(photo.bytes) : await phoneShowing(photo.bytes);
      return heldUp(held, subject, o.count, rand);
    }
  }
}

/** Sensor noise on frames that already move; null passes through (photos not fetched). */
function sensed(frames: RawFrame[] | null, rand: () => number): RawFrame[] | null {
  return frames && frames.map((f, i) => expose(f, i, rand, 2));
}

/**
 * Two people side by side, shoulder to shoulder in front of the room, both in focus: each a
 * 320-wide slice of their own camera frames, scaled so that both heads fit.
 */
async function twoPeople(a: number, b: number, count: number, rand: () => number): Promise<RawFrame[] | null> {
  const [left, right] = await Promise.all([faceFrames(a, count), faceFrames(b, count)]);
  if (!left || !right) return null;
  const room = await drawRoom(rand);
  const raw = { raw: { width: FRAME_W, height: FRAME_H, channels: 3 as const } };
  const slice = (f: RawFrame) => sharp(f.data, raw).resize(400, 300).extract({ left: 40, top: 0, width: 320, height: 300 }).toBuffer();
  const frames: RawFrame[] = [];
  for (let i = 0; i < count; i++) {
    const data = await sharp(room.view(i).data, raw)
      .composite([
        { input: await slice(left[i]!), raw: { width: 320, height: 300, channels: 3 }, left: 0, top: 120 },
        { input: await slice(right[i]!), raw: { width: 320, height: 300, channels: 3 }, left: 320, top: 100 },
      ])
      .removeAlpha()
      .raw()
      .toBuffer();
    frames.push(expose({ width: FRAME_W, height: FRAME_H, channels: 3, data: new Uint8Array(data) }, i, rand));
  }
  return frames;
}

/**
 * The sheet or phone held up at arm's length: centred, turned a few degrees, top edge tipped
 * away (perspective), drifting with the hand's tremor. A phone's glass reflects a window
 * as a bright band that slides as it moves; the paper is held by its lower corners.
 */
async function heldUp(held: RgbaImage, subject: 'print' | 'screen', count: number, rand: () => number): Promise<RawFrame[]> {
  const room = await drawRoom(rand);
  const [w, h] = subject === 'print' ? [300, 420] : [296, 515];
  const turn = ((rand() - 0.5) * 8 * Math.PI) / 180;
  const tip = 0.04 + rand() * 0.04;
  const phase = rand() * Math.PI * 2;
  const frames: RawFrame[] = [];
  for (let i = 0; i < count; i++) {
    const cx = FRAME_W / 2 + 6 * Math.sin(phase + i * 0.5) + (rand() - 0.5) * 2;
    const cy = FRAME_H / 2 + 8 + 4 * Math.cos(phase + i * 0.37) + (rand() - 0.5) * 2;
    const a = turn + 0.01 * Math.sin(i * 0.7);
    // The top edge is narrower than the bottom one: tipped away from the camera.
    const corners: [number, number][] = [
      [-w / 2 + w * tip, -h / 2],
      [w / 2 - w * tip, -h / 2],
      [w / 2, h / 2],
      [-w / 2, h / 2],
    ];
    const quad = corners.map(
      ([x, y]) => [cx + x * Math.cos(a) - y * Math.sin(a), cy + x * Math.sin(a) + y * Math.cos(a)] as const,
    ) as unknown as Quad;
    const frame = room.view(i);
    const band = 0.15 + 0.7 * ((i * 0.04 + phase) % 1);
    drawQuad(frame, held, quad, subject === 'screen' ? (u, v) => glass(u, v, band) : undefined);
    if (subject === 'print') await fingers(frame, quad);
    frames.push(expose(frame, i, rand));
  }
  return frames;
}

/** Reflection on a phone's glass: a soft diagonal band around `band`, and a faint overall sheen. */
function glass(u: number, v: number, band: number): number {
  const d = (u + v * 0.6) / 1.6 - band;
  return 12 + 70 * Math.exp(-(d * d) / 0.004);
}

/** Two thumbs over the lower corners of the sheet (drawn in place). */
async function fingers(frame: RawFrame, quad: Quad): Promise<void> {
  const thumb = (p: readonly [number, number], dx: number) =>
    `<ellipse cx="${p[0] + dx}" cy="${p[1] - 14}" rx="17" ry="30" fill="#c99a7e" stroke="#a7765c" stroke-width="2" transform="rotate(${dx > 0 ? -25 : 25} ${p[0] + dx} ${p[1] - 14})"/>` +
    `<ellipse cx="${p[0] + dx}" cy="${p[1] - 34}" rx="10" ry="7" fill="#e2c0ae"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${FRAME_W}" height="${FRAME_H}">${thumb(quad[3], 22)}${thumb(quad[2], -22)}</svg>`;
  const raw = { raw: { width: FRAME_W, height: FRAME_H, channels: 3 as const } };
  const data = await sharp(frame.data, raw)
    .composite([{ input: Buffer.from(svg) }])
    .removeAlpha()
    .raw()
    .toBuffer();
  frame.data.set(data);
}
