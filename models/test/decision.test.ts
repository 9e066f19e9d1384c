// The capture-window decision on made-up frame analyses.
import { describe, expect, it } from 'vitest';
import { DEFAULT_FACE_DECISION, decideFace, type TimedFrame } from '../decision.js';
import type { FrameAnalysis, QualityCode } from '../pipeline.js';

const unit = (angle: number) => {
  const v = new Float32Array(512);
  v[0] = Math.cos(angle);
  v[1] = Math.sin(angle);
  return v;
};
const chip = unit(0);
const frame = (at: number, angle: number | null, live = 0.9, quality: QualityCode[] = []): TimedFrame => ({
  at,
  analysis: {
    faces: angle === null ? 0 : 1,
    box: null,
    landmarks: null,
    embedding: angle === null ? null : unit(angle),
    live,
    quality: angle === null ? ['no-face'] : quality,
    ms: { detect: 0, landmarks: 0, align: 0, embed: 0, liveness: 0 },
  } satisfies FrameAnalysis,
});

describe('face decision over a capture window', () => {
  it('asks for more, with the most frequent problem, until enough good frames', () => {
    const frames = [frame(0, null), frame(100, 0.1, 0.9, ['too-dark']), frame(200, 0.1, 0.9, ['too-dark']), frame(300, 0.1)];
    expect(decideFace(chip, frames)).toEqual({ kind: 'need-more', goodFrames: 1, guidance: 'too-dark' });
  });

  it('matches on the median score of the good frames, so one odd frame does not decide', () => {
    const frames = [frame(0, 0.2), frame(100, 0.3), frame(200, Math.PI / 2)];
    const d = decideFace(chip, frames);
    expect(d).toMatchObject({ kind: 'decided', match: true, live: true, goodFrames: 3 });
    expect(d.kind === 'decided' && d.score).toBeCloseTo(Math.cos(0.3), 5);
  });

  it('refuses another face, and a face that is not live', () => {
    expect(decideFace(chip, [frame(0, 1.5), frame(100, 1.4), frame(200, 1.5)])).toMatchObject({ kind: 'decided', match: false });
    expect(decideFace(chip, [frame(0, 0.1, 0.2), frame(100, 0.1, 0.3), frame(200, 0.1, 0.1)])).toMatchObject({
      kind: 'decided',
      match: true,
      live: false,
    });
  });

  it('forgets frames older than the window', () => {
    const frames = [frame(0, 0.1), frame(100, 0.1), frame(DEFAULT_FACE_DECISION.windowMs + 500, 0.1)];
    expect(decideFace(chip, frames)).toMatchObject({ kind: 'need-more', goodFrames: 1 });
  });
});
