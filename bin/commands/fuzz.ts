import { fuzzOne, type FuzzReport } from '../fuzz/run.js';
import { fuzzTargets } from '../fuzz/targets.js';
import { intOption, printJson, stringOption, type Command } from '../command.js';

export const fuzz: Command = {
  name: 'fuzz',
  summary: 'fuzz the chip, barcode and scanner parsers and the registry protocol (fast-check): no crash, hang or unbounded allocation',
  help: `
Usage: kiosk fuzz [--runs N] [--seed S] [--filter TEXT] [--json]

  --runs N       inputs per target, times the target's weight (default 10000: 350,000 in
                 all over 27 targets, 110,000 of them on the barcode and scanner targets,
                 110,000 on the registry protocol's)
  --seed S       fast-check seed, to replay a run (default: random, printed)
  --filter TEXT  only targets whose name contains TEXT

Each input is random bytes or a mutation (flips, inserts, deletions, truncation) of a valid
sample (from the virtual chip, a scanner, a kiosk's or the registry's messages); the JSON
targets also get samples with fields replaced by other JSON values or dropped. An input fails if the parser throws anything but its typed
error or takes over a second. Exit status 2 when any target failed.`,
  options: { runs: { type: 'string' }, seed: { type: 'string' }, filter: { type: 'string' } },
  async run(ctx) {
    const runs = intOption(ctx, 'runs', 10_000, 1, 10_000_000);
    const seed = intOption(ctx, 'seed', Math.floor(Math.random() * 2 ** 31), 0, 2 ** 31);
    const filter = stringOption(ctx, 'filter');
    const targets = (await fuzzTargets()).filter((t) => !filter || t.name.includes(filter));
    process.stderr.write(`fuzz: ${targets.length} targets × ${runs} inputs, seed ${seed}\n`);
    const reports: FuzzReport[] = [];
    const heapBefore = process.memoryUsage().heapUsed;
    for (const t of targets) {
      const started = performance.now();
      const r = await fuzzOne(t, runs * (t.weight ?? 1), seed);
      reports.push(r);
      process.stderr.write(
        `fuzz: ${t.name}: ${r.failure ? 'FAILED' : 'ok'} (${r.runs} inputs, ${((performance.now() - started) / 1000).toFixed(1)} s, slowest ${r.slowestMs.toFixed(2)} ms)\n`,
      );
      if (r.failure) process.stderr.write(`${r.failure}\n`);
    }
    global.gc?.();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1e6;
    const total = reports.reduce((n, r) => n + r.runs, 0);
    const failed = reports.filter((r) => r.failure);
    if (ctx.json) printJson({ seed, total, heapGrowthMb, reports });
    else
      process.stdout.write(
        `${total} inputs over ${reports.length} targets, ${failed.length} failed, heap growth ${heapGrowthMb.toFixed(1)} MB, seed ${seed}\n`,
      );
    return failed.length ? 2 : 0;
  },
};
