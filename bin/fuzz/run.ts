// Runs the fuzz targets with fast-check and reports, per target: inputs tried, the slowest
// input's time, and any input that crashed (an untyped error) or took too long.
import fc from 'fast-check';
import { inputs, jsonInputs, type FuzzTarget } from './targets.js';

export interface FuzzReport {
  target: string;
  runs: number;
  slowestMs: number;
  failure: string | null;
}

export async function fuzzOne(target: FuzzTarget, runs: number, seed: number, maxMs = 1000): Promise<FuzzReport> {
  let slowest = 0;
  let failure: string | null = null;
  let cause = '';
  try {
    await fc.assert(
      fc.asyncProperty(
        target.jsonSeeds?.length ? fc.oneof(inputs(target.seeds), jsonInputs(target.jsonSeeds)) : inputs(target.seeds),
        async (input) => {
          const t = performance.now();
          try {
            await target.run(input);
          } catch (err) {
            if (!target.typed(err)) {
              cause = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
              throw err;
            }
          }
          const ms = performance.now() - t;
          slowest = Math.max(slowest, ms);
          if (ms > maxMs) {
            cause = `took ${ms.toFixed(0)} ms`;
            throw new Error(cause);
          }
        },
      ),
      { numRuns: runs, seed, endOnFailure: true },
    );
  } catch (err) {
    const counterexample = (err as Error).message.split('\n').find((l) => l.startsWith('Counterexample')) ?? '';
    failure = `${cause || (err as Error).message.split('\n')[0]}; ${counterexample}`;
  }
  return { target: target.name, runs, slowestMs: slowest, failure };
}
