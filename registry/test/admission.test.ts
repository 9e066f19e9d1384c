import { describe, expect, it } from 'vitest';
import { Admission, LoadShedError } from '../admission.js';
import { TickBatch } from '../tick-batch.js';

describe('Admission', () => {
  it('works a few at once, lets a bounded number wait, turns the rest away with a time to come back', async () => {
    const a = new Admission({ running: 2, maxWaitMs: 10_000, maxWaiting: 1 });
    const first = await a.enter();
    const second = await a.enter();
    let thirdIn = false;
    const third = a.enter().then((leave) => ((thirdIn = true), leave));
    await expect(a.enter()).rejects.toBeInstanceOf(LoadShedError);
    expect(a.stats()).toEqual({ running: 2, waiting: 1, shed: 1 });
    expect(thirdIn).toBe(false);
    first();
    first(); // leaving twice frees one turn only
    (await third)();
    second();
    expect(a.stats()).toMatchObject({ running: 0, waiting: 0 });
  });

  it('turns away a newcomer that would wait longer than allowed, and says 1–30 s', async () => {
    const a = new Admission({ running: 1, maxWaitMs: 0, maxWaiting: 100 });
    const leave = await a.enter();
    const err = await a.enter().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoadShedError);
    expect((err as LoadShedError).retryAfterS).toBeGreaterThanOrEqual(1);
    expect((err as LoadShedError).retryAfterS).toBeLessThanOrEqual(30);
    leave();
    (await a.enter())();
  });
});

describe('TickBatch', () => {
  it('answers the calls of one turn from one run, each its own answer, in order', async () => {
    const runs: number[][] = [];
    const b = new TickBatch(async (xs: number[]) => (runs.push(xs), xs.map((x) => x * 2)));
    expect(await Promise.all([1, 2, 3].map((x) => b.call(x)))).toEqual([2, 4, 6]);
    expect(runs).toEqual([[1, 2, 3]]);
    expect(await b.call(5)).toBe(10);
    expect(runs).toHaveLength(2);
  });

  it('fails every call of a run that fails, and keeps going after', async () => {
    let fail = true;
    const b = new TickBatch(async (xs: number[]) => {
      if (fail) throw new Error('database gone');
      return xs;
    });
    const r = await Promise.allSettled([b.call(1), b.call(2)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await b.call(3)).toBe(3);
  });

  it('splits a crowd into runs of at most `max`', async () => {
    const sizes: number[] = [];
    const b = new TickBatch(async (xs: number[]) => (sizes.push(xs.length), xs), 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => b.call(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });
});
