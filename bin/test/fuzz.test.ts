// A short fuzz pass on every target in the test suite; `npm run fuzz` runs the long one.
import { beforeAll, describe, expect, it } from 'vitest';
import { fuzzOne } from '../fuzz/run.js';
import { fuzzTargets, type FuzzTarget } from '../fuzz/targets.js';

let targets: FuzzTarget[];
beforeAll(async () => {
  targets = await fuzzTargets();
});

describe('fuzzing the chip-facing parsers', () => {
  it('every target takes 500 random and mutated inputs without a crash or a hang', async () => {
    const failures = [];
    for (const t of targets) {
      const r = await fuzzOne(t, 500, 20261123);
      if (r.failure) failures.push(r);
    }
    expect(failures).toEqual([]);
  });
  it('catches an untyped error (the harness can fail)', async () => {
    const r = await fuzzOne(
      {
        name: 'broken',
        seeds: [Uint8Array.of(1)],
        run: () => {
          throw new TypeError('boom');
        },
        typed: () => false,
      },
      10,
      1,
    );
    expect(r.failure).toMatch(/boom/);
  });
});
