// The simulator's camera frames (simulator/live-frames.ts) through the real face pipeline:
// each chip face's holder passes the kiosk's capture gate and matches their own chip photo
// (the check-in bench and the simulated camera rely on it), and not another citizen's.
// Here because only bin may use both the simulator and the models.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FACE_DECISION } from '../../models/decision.js';
import { loadFaceModels, type FaceModels } from '../../models/face-models.js';
import { decodeImage } from '../../models/decode.js';
import { analyseFrame, cosine } from '../../models/pipeline.js';
import { CHIP_FACES, photoFace } from '../../simulator/chip-photos.js';
import { faceFrames } from '../../simulator/live-frames.js';

let models: FaceModels;
beforeAll(async () => {
  models = await loadFaceModels();
}, 60_000);
afterAll(async () => {
  for (const s of Object.values(models.sessions)) await s.release();
});

async function chipEmbedding(face: number): Promise<Float32Array> {
  const photo = await photoFace(face);
  if (!photo) throw new Error('the test photos are not fetched: node models/fetch-test-photos.mjs');
  const a = await analyseFrame(models, await decodeImage(photo.bytes), { liveness: false, cameraFrame: false });
  return a.embedding!;
}

describe('live frames of the simulator camera', () => {
  it('show one face that passes the capture gate, is live and matches its chip photo, for every chip face', async () => {
    const { matchThreshold, liveThreshold, minGoodFrames } = DEFAULT_FACE_DECISION;
    const failures: string[] = [];
    for (let face = 0; face < CHIP_FACES.length; face++) {
      const chip = await chipEmbedding(face);
      const frames = (await faceFrames(face, minGoodFrames + 1))!;
      for (const [i, f] of frames.entries()) {
        const a = await analyseFrame(models, f, { liveness: true, cameraFrame: true });
        const score = a.embedding ? cosine(chip, a.embedding) : NaN;
        if (a.quality.length || !(score >= matchThreshold) || !(a.live! >= liveThreshold))
          failures.push(
            `face ${face} (${CHIP_FACES[face]!.file}) frame ${i}: ${a.quality.join(', ') || 'ok'}, score ${score.toFixed(2)}, live ${a.live?.toFixed(2)}`,
          );
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("do not match another citizen's chip photo", async () => {
    for (let face = 0; face < CHIP_FACES.length; face += 3) {
      const other = await chipEmbedding(face + 1);
      const [f] = (await faceFrames(face, 1))!;
      const a = await analyseFrame(models, f!, { liveness: true, cameraFrame: true });
      expect(cosine(other, a.embedding!)).toBeLessThan(DEFAULT_FACE_DECISION.matchThreshold);
    }
  }, 60_000);
});
