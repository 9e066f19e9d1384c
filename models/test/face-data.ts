// Test people for the face suites: every clearly visible, frontal face in the fetched test
// photos (models/fetch-test-photos.mjs), cut out with a margin like a chip photo, in memory.
// Identities: each face is its own person, except the pairs a person checked by eye and
// found to be the same woman in two photos (listed below).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { decodeImage } from '../decode.js';
import { detectFaces } from '../detect.js';
import type { FaceModels } from '../face-models.js';
import { analyseFrame } from '../pipeline.js';

export const PHOTOS_DIR = fileURLToPath(new URL('../test-photos/', import.meta.url));
export const PHOTO_FILES = [1, 2, 3, 4, 5, 6]
  .map((i) => `face-api-sample${i}.jpg`)
  .concat(['facedetection-picture.jpg', 'facedetection-faces.jpg', 'astronaut.png']);

/** Faces known to show the same person (file and the face box's left edge ÷ 100, rounded). */
const SAME_PERSON: string[][] = [['face-api-sample1.jpg@15', 'face-api-sample3.jpg@11']];

export interface TestPerson {
  id: string;
  identity: string;
  /** A chip-photo-like JPEG of the face with its margin (about 300 px wide). */
  jpeg: Buffer;
}

export function missingPhotos(): string[] {
  return PHOTO_FILES.filter((f) => !existsSync(PHOTOS_DIR + f));
}

export async function testPeople(models: FaceModels): Promise<TestPerson[]> {
  const missing = missingPhotos();
  if (missing.length) throw new Error(`test photos missing (${missing.join(', ')}): run node models/fetch-test-photos.mjs`);
  const people: TestPerson[] = [];
  for (const file of PHOTO_FILES) {
    const bytes = readFileSync(PHOTOS_DIR + file);
    const img = await decodeImage(bytes);
    for (const b of await detectFaces(models, img)) {
      if (b.w < 40) continue;
      const side = Math.max(b.w, b.h) * 1.8;
      const left = Math.max(0, Math.round(b.x + b.w / 2 - side / 2));
      const top = Math.max(0, Math.round(b.y + b.h / 2 - side / 2));
      const width = Math.min(img.width - left, Math.round(side));
      const height = Math.min(img.height - top, Math.round(side * 1.2));
      const jpeg = await sharp(bytes).extract({ left, top, width, height }).resize({ width: 300 }).jpeg({ quality: 92 }).toBuffer();
      // Chip photos are frontal with open eyes: keep only faces that pass those gates.
      const a = await analyseFrame(models, await decodeImage(jpeg), {
        liveness: false,
        cameraFrame: false,
        quality: {
          minInterEyePx: 20,
          maxOffCentre: 1,
          maxYawRatio: 0.35,
          minEyeOpening: 0.12,
          minLuminance: 0,
          maxLuminance: 255,
          minSharpness: 0,
        },
      });
      if (!a.embedding || a.quality.length) continue;
      const id = `${file}@${Math.round(b.x / 100)}`;
      const identity = SAME_PERSON.find((g) => g.includes(id))?.[0] ?? id;
      people.push({ id, identity, jpeg });
    }
  }
  return people;
}

/** Mild augmentations of a chip-like photo: what the same face looks like on another day. */
export async function augmentations(jpeg: Buffer): Promise<{ name: string; bytes: Buffer }[]> {
  const meta = await sharp(jpeg).metadata();
  const w = meta.width!;
  const h = meta.height!;
  return [
    {
      name: 'smaller, JPEG q40',
      bytes: await sharp(jpeg)
        .resize({ width: Math.round(w * 0.66) })
        .jpeg({ quality: 40 })
        .toBuffer(),
    },
    {
      name: 'larger',
      bytes: await sharp(jpeg)
        .resize({ width: Math.round(w * 1.5) })
        .jpeg({ quality: 90 })
        .toBuffer(),
    },
    { name: 'brighter', bytes: await sharp(jpeg).modulate({ brightness: 1.25 }).jpeg().toBuffer() },
    { name: 'darker', bytes: await sharp(jpeg).modulate({ brightness: 0.75 }).jpeg().toBuffer() },
    { name: 'rotated 5°', bytes: await sharp(jpeg).rotate(5, { background: '#7f7f7f' }).jpeg().toBuffer() },
    {
      name: 'cropped 5%',
      bytes: await sharp(jpeg)
        .extract({ left: Math.round(w * 0.05), top: Math.round(h * 0.05), width: Math.round(w * 0.9), height: Math.round(h * 0.9) })
        .jpeg()
        .toBuffer(),
    },
  ];
}
