// What the simulated site's camera sees. A driver shows a subject (the holder, another
// person, nobody, two people, a print, a phone screen) for a citizen of the seed; the face
// step takes its frames. The headless driver loops frames made in memory (never written to
// disk); the console may bring one that feeds Chromium's fake camera instead.
import type { FrameSource } from '../../main/core/face-step.js';
import { subjectFrames, type CameraSubject } from '../../simulator/camera-clip.js';
import { LoopingCamera, type RawFrame } from '../../simulator/live-frames.js';

export interface CameraDriver {
  /** From now on the camera sees `subject` (whose face: `citizen` of the site's seed). */
  show(subject: CameraSubject, citizen: number): Promise<void>;
  /** Frames for the kiosk's face step; null when the frames reach the kiosk another way (a page's camera). */
  readonly frames: FrameSource | null;
}

/** Thrown when the face photos the clips are made of are not fetched. */
export class CameraPhotosMissing extends Error {
  constructor() {
    super('the face photos are not fetched (node models/fetch-test-photos.mjs)');
  }
}

const FRAMES = 8;
/** Clips kept in memory: a scenario library shows the same few subjects again and again. */
const KEEP = 12;

export function headlessCamera(seed: string): CameraDriver {
  const camera = new LoopingCamera(null);
  const made = new Map<string, RawFrame[]>();
  return {
    frames: camera,
    async show(subject, citizen) {
      const key = `${subject}/${citizen}`;
      let frames = made.get(key);
      if (!frames) {
        const f = await subjectFrames(subject, { seed, citizen, count: FRAMES });
        if (!f) throw new CameraPhotosMissing();
        frames = f;
        if (made.size >= KEEP) made.delete(made.keys().next().value!);
        made.set(key, frames);
      }
      camera.show(frames);
    },
  };
}
