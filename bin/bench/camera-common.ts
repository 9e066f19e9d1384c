// What the camera bench (camera.bench.ts) and its child process (camera-kiosk-child.ts) share:
// the run's sizes and the messages between them.
export const SEED = 'cccd';
export const CITIZEN = 0;
export const WARMUP = 20;
export const FRAMES = 300;
/** Frames in the looping clip (two seconds at 30 fps). */
export const CLIP_FRAMES = 60;

export interface EldFigures {
  maxMs: number;
  p99Ms: number;
  p50Ms: number;
  /** The longest main-thread GC pause while it was measured (perf_hooks 'gc' entries), and its kind. */
  gcMaxMs: number;
  gcKind: string;
}

/** What the child sends back for one run. */
export interface CameraChildResult {
  type: 'result';
  /** When each guidance was emitted (epoch ms), kiosk mode only. */
  emitted: number[];
  /** Analysed frames per second, baseline mode only. */
  fps?: number;
  eld: EldFigures;
  /** process.memoryUsage().heapUsed at the end of the run. */
  heapUsed: number;
}

/** go: start (kiosk: a capture run; idle: measuring); report: idle mode sends what it measured since go; stop: exit. */
export type ParentMessage = { type: 'go' } | { type: 'report' } | { type: 'stop' };
export type ChildMessage = CameraChildResult | { type: 'error'; message: string };
