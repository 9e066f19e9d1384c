// The face step of a check-in: the chip photo's embedding, live frames from the camera
// through the face worker one at a time, and the capture-window decision (models/decision.ts)
// with guidance while it needs more. Photos, frames and embeddings live in memory for one
// check-in only and are wiped when it ends (forget()).
import { decideFace, type FaceDecisionConfig, type TimedFrame } from '../../models/decision.js';
import { FaceError } from '../../models/errors.js';
import type { FaceService } from '../../models/face-service.js';
import type { CameraFrame, RgbImage } from '../../models/image.js';
import { DEFAULT_QUALITY } from '../../models/pipeline.js';
import type { FacePolicy } from '../protocol/datasets.js';
import type { FaceResult } from './workflow/types.js';

/** Where live frames come from: the UI's camera (issue 13), or a test's or bench's images. */
export interface FrameSource {
  readonly name: string;
  /** Whether frames can be had now (a camera is connected). */
  available(): boolean;
  /** The next frame, when asked: frames never queue up. Null when the source has stopped. */
  next(signal: AbortSignal): Promise<Uint8Array | RgbImage | CameraFrame | null>;
}

export interface FaceCapture {
  /** Called while the window needs more frames: the quality code to turn into an instruction. */
  onGuidance(guidance: string | null, goodFrames: number): void;
  signal: AbortSignal;
}

function wipe(frame: Uint8Array | RgbImage | CameraFrame | null): void {
  if (!frame) return;
  (frame instanceof Uint8Array ? frame : 'pixels' in frame ? frame.pixels : frame.data).fill(0);
}

export class FaceStep {
  /** The chip photo's embedding for the person now at the kiosk (never a previous person's). */
  private chip: Promise<Float32Array | null> | null = null;

  constructor(
    private readonly service: FaceService,
    private readonly source: FrameSource | null,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  available(): boolean {
    return this.source?.available() ?? false;
  }

  /** Starts on the chip photo right after the read (it overlaps the rest of the flow). The bytes are taken over and wiped. */
  prepareChip(photo: Uint8Array): void {
    const copy = photo.slice();
    photo.fill(0);
    void this.chip?.then((e) => e?.fill(0));
    this.chip = this.service.analyse(copy, { liveness: false, cameraFrame: false }).then(
      (r) => r.analysis.embedding,
      () => null,
    );
  }

  /** One capture window: frames until a decision, the signal's abort, or the source stopping. */
  async capture(policy: FacePolicy, cap: FaceCapture): Promise<FaceResult> {
    if (!this.source || !this.source.available()) return { kind: 'unavailable', why: 'no camera' };
    const chip = this.chip ? await this.chip : null;
    if (!chip) return { kind: 'unavailable', why: 'no usable face in the chip photo' };
    const cfg: FaceDecisionConfig = {
      matchThreshold: policy.matchThreshold,
      liveThreshold: policy.liveThreshold,
      minGoodFrames: policy.minGoodFrames,
      windowMs: policy.windowMs,
      quality: DEFAULT_QUALITY,
    };
    const frames: TimedFrame[] = [];
    // The next frame is asked for while this one is analysed (capture and transfer overlap the
    // analysis); never more than that one: frames do not queue up. Ending the window gives it up.
    const window = new AbortController();
    const stop = () => window.abort();
    cap.signal.addEventListener('abort', stop, { once: true });
    let coming = this.source.next(window.signal);
    try {
      while (!window.signal.aborted) {
        const frame = await coming;
        if (!frame || window.signal.aborted) {
          wipe(frame);
          break;
        }
        coming = this.source.next(window.signal);
        const at = this.clock();
        const r = await this.service.analyse(frame, { liveness: true, cameraFrame: true });
        frames.push({ at, analysis: r.analysis });
        // Only the window matters: older frames (and their embeddings) are dropped as we go.
        while (frames.length && at - frames[0]!.at > cfg.windowMs) frames.shift()!.analysis.embedding?.fill(0);
        const outcome = decideFace(chip, frames, cfg);
        if (outcome.kind === 'decided') {
          const base = { score: outcome.score, liveScore: outcome.liveScore, live: outcome.live };
          return outcome.match ? { kind: 'matched', ...base } : { kind: 'not-matched', ...base };
        }
        cap.onGuidance(outcome.guidance, outcome.goodFrames);
      }
    } catch (err) {
      if (err instanceof FaceError) return { kind: 'unavailable', why: err.message };
      throw err;
    } finally {
      cap.signal.removeEventListener('abort', stop);
      window.abort();
      // A frame asked for ahead and still on its way is wiped when (if) it comes.
      void coming.then(wipe, () => undefined);
      for (const f of frames) f.analysis.embedding?.fill(0);
    }
    return { kind: 'no-face' };
  }

  /** The check-in ended: the chip photo's embedding is wiped. */
  forget(): void {
    // Still being computed or not, the embedding is wiped once there; nobody else gets it.
    void this.chip?.then((e) => e?.fill(0));
    this.chip = null;
  }
}
