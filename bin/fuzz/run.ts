// Runs the fuzz targets with fast-check and reports, per target: inputs tried, the slowest
// input's time, and any input that crashed (an untyped error) or took too long.
import fc from 'fast-check';
import { inputs, type FuzzTarget } from './targets.js';

export interface FuzzReport {
  target: string;
  runs: number;
  slowestMs: number;
  failure: string | null;
}

export function fuzzOne(target: FuzzTarget, runs: number, seed: number, maxMs = 1000): FuzzReport {
  let slowest = 0;
  let failure: string | null = null;
  try {
    fc.assert(
      fc.property(inputs(target.seeds), (input) => {
        const t = performance.now();
        try {
          target.run(input);
        } catch (err) {
          if (!target.typed(err)) throw err;
        }
        const ms = performance.now() - t;
        slowest = Math.max(slowest, ms);
        if (ms > maxMs) throw new Error(`took ${ms.toFixed(0)} ms`);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
  } catch (err) {
    failure = (err as Error).message.split('\n').slice(0, 6).join('\n');
  }
  return { target: target.name, runs, slowestMs: slowest, failure };
}
