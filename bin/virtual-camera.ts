// The simulator's virtual camera for `kiosk start --camera virtual`: a clip of the chosen
// subject written where only this user can read it, which Chromium's (or Electron's) fake
// capture device plays as if it were a USB camera. The page then opens it with getUserMedia
// like any camera, so the path from the camera to the face step is the one a kiosk in service takes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjectFrames, toY4m, type CameraSubject } from '../simulator/camera-clip.js';

export interface VirtualCamera {
  /** The Y4M clip Chromium is to play. */
  file: string;
  subject: CameraSubject;
  citizen: number;
  /** Removes the clip. */
  remove(): void;
}

/** Chromium's switches that make its only camera one playing `file`. */
export function fakeCameraSwitches(file: string): string[] {
  return ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`];
}

/** Writes the clip, or says why it cannot (the face photos are not fetched). */
export async function startVirtualCamera(o: {
  subject: CameraSubject;
  seed: string;
  citizen: number;
  frames?: number;
}): Promise<VirtualCamera | { problem: string }> {
  const frames = await subjectFrames(o.subject, { seed: o.seed, citizen: o.citizen, count: o.frames ?? 30 });
  if (!frames) return { problem: 'the face photos are not fetched (node models/fetch-test-photos.mjs fetches them)' };
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-camera-'));
  const file = join(dir, `${o.subject}-${o.citizen}.y4m`);
  writeFileSync(file, toY4m(frames), { mode: 0o600 });
  return { file, subject: o.subject, citizen: o.citizen, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
