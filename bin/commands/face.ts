// `kiosk face verify CHIP_IMAGE LIVE_IMAGE...`: the chip photo against live frames, through
// the same worker, pipeline and capture-window decision as a check-in.
import { readFileSync } from 'node:fs';
import { DEFAULT_FACE_DECISION, decideFace, type TimedFrame } from '../../models/decision.js';
import { FaceError } from '../../models/errors.js';
import { FaceService, type FaceResult } from '../../models/face-service.js';
import { cosine } from '../../models/pipeline.js';
import { CliError, EXIT_NOT_VERIFIED, printJson, stringOption, type Command } from '../command.js';

export const faceVerify: Command = {
  name: 'face verify',
  summary: 'compare a chip photo with live images: score, decision, liveness, quality, timings',
  help: `
Usage: kiosk face verify CHIP_IMAGE LIVE_IMAGE... [--threshold T] [--json]

CHIP_IMAGE is JPEG, PNG or JPEG 2000 (as in DG2); each LIVE_IMAGE is one camera frame
(JPEG or PNG). The live frames are taken as one capture window. Prints the match score
(median cosine similarity over the good frames), the decision, the liveness result, the
quality codes, and per-stage timings (summed over the images). Exit 0 when the face matches
and is live, 2 when not, 1 on an error. Nothing is written anywhere.

  --threshold T   match threshold (default ${DEFAULT_FACE_DECISION.matchThreshold}; docs/FACE.md says how it was calibrated)

JSON: {"score","match","live","quality":[...],"ms":{"decode","detect","landmarks","align","embed","liveness","total"}}`,
  options: { threshold: { type: 'string' } },
  allowPositionals: true,
  async run(ctx) {
    const [chipFile, ...liveFiles] = ctx.positionals;
    if (!chipFile || liveFiles.length === 0) throw new CliError('give the chip photo and at least one live image');
    const t = stringOption(ctx, 'threshold');
    const threshold = t === undefined ? DEFAULT_FACE_DECISION.matchThreshold : Number(t);
    if (!(threshold >= -1 && threshold <= 1)) throw new CliError('--threshold is a number from -1 to 1');
    const read = (f: string) => {
      try {
        return new Uint8Array(readFileSync(f));
      } catch (err) {
        throw new CliError(`cannot read ${f}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    };
    const svc = new FaceService();
    const started = performance.now();
    const ms = { decode: 0, detect: 0, landmarks: 0, align: 0, embed: 0, liveness: 0, total: 0 };
    const add = (r: FaceResult) => {
      ms.decode += r.decodeMs;
      for (const k of ['detect', 'landmarks', 'align', 'embed', 'liveness'] as const) ms[k] += r.analysis.ms[k];
    };
    try {
      const chip = await svc.analyse(read(chipFile), { liveness: false, cameraFrame: false });
      add(chip);
      if (!chip.analysis.embedding)
        throw new CliError(`no usable face in the chip photo ${chipFile} (${chip.analysis.quality.join(', ')})`);
      const frames: TimedFrame[] = [];
      for (const [i, f] of liveFiles.entries()) {
        const r = await svc.analyse(read(f), { liveness: true, cameraFrame: true });
        add(r);
        frames.push({ at: i * 100, analysis: r.analysis });
      }
      ms.total = performance.now() - started;
      const quality = [...new Set(frames.flatMap((f) => f.analysis.quality))];
      const outcome = decideFace(chip.analysis.embedding, frames, {
        ...DEFAULT_FACE_DECISION,
        matchThreshold: threshold,
        minGoodFrames: Math.min(DEFAULT_FACE_DECISION.minGoodFrames, liveFiles.length),
      });
      // Without enough good frames there is no decision: report the best score seen, for the technician.
      const scores = frames.filter((f) => f.analysis.embedding).map((f) => cosine(chip.analysis.embedding!, f.analysis.embedding!));
      const score = outcome.kind === 'decided' ? outcome.score : scores.length ? Math.max(...scores) : null;
      const match = outcome.kind === 'decided' && outcome.match;
      const live = outcome.kind === 'decided' && outcome.live;
      const round = (x: number) => Math.round(x * 100) / 100;
      const result = {
        score: score === null ? null : Math.round(score * 1000) / 1000,
        match,
        live,
        quality,
        ms: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v)])),
      };
      if (ctx.json) printJson(result);
      else
        process.stdout.write(
          `score ${result.score ?? '—'} (threshold ${threshold}): ${match ? 'match' : 'no match'}; ${live ? 'live' : 'not shown live'}\n` +
            `${quality.length ? `quality: ${quality.join(', ')}\n` : ''}` +
            `ms: ${Object.entries(result.ms)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}\n`,
        );
      return match && live ? 0 : EXIT_NOT_VERIFIED;
    } catch (err) {
      if (err instanceof FaceError) throw new CliError(err.message);
      throw err;
    } finally {
      await svc.close();
    }
  },
};
