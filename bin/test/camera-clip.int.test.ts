// The simulator camera's clips (simulator/camera-clip.ts) through the real face pipeline, as
// the kiosk sees them once Chromium plays them: each frame written to Y4M and read back (so
// 4:2:0 colour is part of the test), then analysed like a camera frame. The holder matches
// the chip photo of `kiosk sim chip` for the same seed and index, someone else does not,
// nobody and two people are caught by the capture gate, and the print and phone attacks
// are analysed (their liveness is reported, not asserted: it is the model's call).
// Here because only bin may use both the simulator and the models.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_DECISION } from '../../models/decision.js';
import { decodeImage } from '../../models/decode.js';
import { loadFaceModels, type FaceModels } from '../../models/face-models.js';
import { analyseFrame, cosine, type FrameAnalysis } from '../../models/pipeline.js';
import { parseY4m, subjectFrames, toY4m, type CameraSubject } from '../../simulator/camera-clip.js';
import { citizenFace } from '../../simulator/chip-photos.js';

const kiosk = fileURLToPath(new URL('../kiosk', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'camera-clip-test-'));
const SEED = 'cccd';
const CITIZEN = 4;
const FRAMES = 12;
const { matchThreshold } = DEFAULT_FACE_DECISION;

let models: FaceModels;
let chip: Float32Array;
beforeAll(async () => {
  models = await loadFaceModels();
  const photo = await citizenFace(SEED, CITIZEN);
  if (photo.source === 'placeholder') throw new Error('the test photos are not fetched: node models/fetch-test-photos.mjs');
  const a = await analyseFrame(models, await decodeImage(photo.bytes), { liveness: false, cameraFrame: false });
  chip = a.embedding!;
}, 60_000);
afterAll(async () => {
  for (const s of Object.values(models?.sessions ?? {})) await s.release();
  rmSync(tmp, { recursive: true, force: true });
});

interface Seen {
  analyses: FrameAnalysis[];
  /** Cosine to the chip photo of each frame with a face (NaN without one). */
  scores: number[];
  median: number;
  clean: number;
  live: number[];
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

/** The clip of `subject` as Chromium would play it, analysed frame by frame. */
async function see(subject: CameraSubject): Promise<Seen> {
  const t = performance.now();
  const made = (await subjectFrames(subject, { seed: SEED, citizen: CITIZEN, count: FRAMES }))!;
  const madeMs = performance.now() - t;
  const frames = parseY4m(toY4m(made));
  const analyses: FrameAnalysis[] = [];
  for (const f of frames) analyses.push(await analyseFrame(models, f, { liveness: true, cameraFrame: true }));
  const scores = analyses.map((a) => (a.embedding ? cosine(chip, a.embedding) : NaN));
  const live = analyses.flatMap((a) => (a.live === null ? [] : [a.live]));
  const seen = { analyses, scores, median: median(scores), clean: analyses.filter((a) => a.quality.length === 0).length, live };
  const quality = [...new Set(analyses.flatMap((a) => a.quality))].join(',') || 'clean';
  console.log(
    `${subject}: ${FRAMES} frames made in ${madeMs.toFixed(0)} ms; median cosine ${seen.median.toFixed(3)} ` +
      `(min ${Math.min(...scores).toFixed(3)}, max ${Math.max(...scores).toFixed(3)}); clean ${seen.clean}/${FRAMES} (${quality}); ` +
      `liveness mean ${(live.reduce((a, b) => a + b, 0) / (live.length || 1)).toFixed(3)} (${live.map((l) => l.toFixed(2)).join(' ')})`,
  );
  return seen;
}

describe('camera clips through the face pipeline', () => {
  it('show the holder, matching their chip photo and passing the capture gate on most frames', async () => {
    const s = await see('holder');
    expect(s.median).toBeGreaterThanOrEqual(matchThreshold);
    expect(s.clean).toBeGreaterThanOrEqual(Math.ceil(FRAMES * 0.75));
  }, 60_000);

  it('show someone else, who does not match', async () => {
    const s = await see('other');
    expect(s.scores.every((x) => x < matchThreshold)).toBe(true);
  }, 60_000);

  it('show an empty room: no face', async () => {
    const s = await see('nobody');
    for (const a of s.analyses) expect(a.quality).toEqual(['no-face']);
  }, 60_000);

  it('show two people: several faces', async () => {
    const s = await see('two');
    for (const a of s.analyses) expect(a.quality).toContain('several-faces');
  }, 60_000);

  it.each<CameraSubject>(['print', 'screen'])(
    'show the chip photo held up on a %s, analysed without error',
    async (subject) => {
      const s = await see(subject);
      // The face on it is found; whether it is taken for live is the liveness model's call.
      expect(s.analyses.filter((a) => a.faces > 0).length).toBeGreaterThan(FRAMES / 2);
    },
    60_000,
  );
});

describe('kiosk sim camera', () => {
  it('writes a clip that parses back, and says so in JSON', async () => {
    const out = join(tmp, 'clips', 'holder.y4m');
    const run = promisify(execFile);
    const args = ['sim', 'camera', '--subject', 'holder', '--citizen', String(CITIZEN), '--frames', '3', '--out', out, '--json'];
    const { stdout } = await run(kiosk, args, { timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({
      file: out,
      subject: 'holder',
      citizen: CITIZEN,
      seed: SEED,
      frames: 3,
      width: 640,
      height: 480,
      fps: 15,
    });
    const frames = parseY4m(readFileSync(out));
    expect(frames).toHaveLength(3);
    // The same frames as made in process: the clip follows from subject, seed and citizen alone.
    const made = parseY4m(toY4m((await subjectFrames('holder', { seed: SEED, citizen: CITIZEN, count: 3 }))!));
    expect(Buffer.from(frames[2]!.data).equals(Buffer.from(made[2]!.data))).toBe(true);
  }, 60_000);

  it('refuses an unknown subject with a clear message', async () => {
    const run = promisify(execFile);
    const err = await run(kiosk, ['sim', 'camera', '--subject', 'cat', '--out', join(tmp, 'x.y4m')]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 1 });
    expect((err as { stderr: string }).stderr).toMatch(/unknown subject "cat" \(known: holder, other, nobody, two, print, screen\)/);
  }, 60_000);
});
