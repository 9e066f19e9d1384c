// The camera of the kiosk window in simulator mode: Chromium's fake capture device playing a
// clip file (bin/virtual-camera.ts). To show another subject the clip is rewritten (a new
// file renamed over the old, so Chromium never reads half of one) and the kiosk page is told
// to reopen its camera: Chromium reads the file again on each new getUserMedia once the old
// tracks are stopped (checked: a clip of another colour shows after the reopen). The frames
// reach the kiosk through the page, as a USB camera's would.
import { renameSync, writeFileSync } from 'node:fs';
import { subjectFrames, toY4m, type CameraSubject } from '../../simulator/camera-clip.js';

/** The shape of SimSite's CameraDriver (bin/sim/camera.ts) this driver fills. */
export interface ClipCameraDriver {
  show(subject: CameraSubject, citizen: number): Promise<void>;
  /** Null: the frames come through the kiosk page's camera. */
  readonly frames: null;
  readonly subject: CameraSubject;
  readonly citizen: number;
}

export function chromiumClipCamera(o: {
  /** The clip Chromium was started with (--use-file-for-fake-video-capture). */
  file: string;
  seed: string;
  subject: CameraSubject;
  citizen: number;
  /** Tells the kiosk page to close and reopen its camera. */
  reopen: () => void;
  frames?: number;
}): ClipCameraDriver {
  let subject = o.subject;
  let citizen = o.citizen;
  let serial = 0;
  return {
    frames: null,
    get subject() {
      return subject;
    },
    get citizen() {
      return citizen;
    },
    async show(s, c) {
      // The card's holder is shown again at each card: the clip Chromium plays is already theirs.
      if (s === subject && c === citizen) return;
      const frames = await subjectFrames(s, { seed: o.seed, citizen: c, count: o.frames ?? 30 });
      if (!frames) throw new Error('the face photos are not fetched (node models/fetch-test-photos.mjs)');
      const next = `${o.file}.${process.pid}.${++serial}`;
      writeFileSync(next, toY4m(frames), { mode: 0o600 });
      renameSync(next, o.file);
      subject = s;
      citizen = c;
      o.reopen();
    },
  };
}
