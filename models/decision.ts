// The face decision over a short capture window: several frames within a few seconds, not
// one. The match needs enough good frames whose median similarity to the chip photo reaches
// the site's threshold; liveness needs their mean live probability to reach its own.
import type { FrameAnalysis, QualityCode, QualityConfig } from './pipeline.js';
import { cosine, DEFAULT_QUALITY } from './pipeline.js';

export interface FaceDecisionConfig {
  /** Cosine similarity of L2-normalised embeddings; calibrated in docs/FACE.md. */
  matchThreshold: number;
  liveThreshold: number;
  /** Good frames needed within the window. */
  minGoodFrames: number;
  windowMs: number;
  quality: QualityConfig;
}

export const DEFAULT_FACE_DECISION: FaceDecisionConfig = {
  matchThreshold: 0.5,
  liveThreshold: 0.5,
  minGoodFrames: 3,
  windowMs: 3000,
  quality: DEFAULT_QUALITY,
};

export type FaceOutcome =
  | { kind: 'decided'; match: boolean; live: boolean; score: number; liveScore: number; goodFrames: number }
  | { kind: 'need-more'; goodFrames: number; guidance: QualityCode | null };

export interface TimedFrame {
  at: number;
  analysis: FrameAnalysis;
}

/** Decides from the frames of the last `windowMs`; until enough good ones, says what to tell the person. */
export function decideFace(chip: Float32Array, frames: TimedFrame[], cfg: FaceDecisionConfig = DEFAULT_FACE_DECISION): FaceOutcome {
  const latest = frames.length ? frames[frames.length - 1]!.at : 0;
  const recent = frames.filter((f) => latest - f.at <= cfg.windowMs);
  const good = recent.filter((f) => f.analysis.embedding && f.analysis.quality.length === 0);
  if (good.length < cfg.minGoodFrames) {
    // The most frequent problem in the window is what the UI asks the person to fix.
    const counts = new Map<QualityCode, number>();
    for (const f of recent) for (const q of f.analysis.quality) counts.set(q, (counts.get(q) ?? 0) + 1);
    const guidance = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    return { kind: 'need-more', goodFrames: good.length, guidance };
  }
  const scores = good.map((f) => cosine(chip, f.analysis.embedding!)).sort((a, b) => a - b);
  const score = scores[Math.floor(scores.length / 2)]!;
  const lives = good.map((f) => f.analysis.live ?? 0);
  const liveScore = lives.reduce((a, b) => a + b, 0) / lives.length;
  return {
    kind: 'decided',
    match: score >= cfg.matchThreshold,
    live: liveScore >= cfg.liveThreshold,
    score,
    liveScore,
    goodFrames: good.length,
  };
}
