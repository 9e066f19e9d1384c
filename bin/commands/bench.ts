import { formatTable, loadBenchmarks } from '../bench/harness.js';
import type { BenchRow } from '../bench/types.js';
import { printJson, stringOption, type Command } from '../command.js';

export const bench: Command = {
  name: 'bench',
  summary: 'run the benchmarks and print a table (each beside its same-run baseline)',
  help: `
Usage: kiosk bench [--filter TEXT] [--json]

  --filter TEXT   run only benchmarks whose name contains TEXT
  --json          print the rows as one JSON array

Benchmarks live in bin/bench/*.bench.ts. Exit status 2 when a row misses its target.`,
  options: { filter: { type: 'string' } },
  async run(ctx) {
    const benchmarks = await loadBenchmarks(stringOption(ctx, 'filter'));
    const rows: BenchRow[] = [];
    for (const b of benchmarks) {
      process.stderr.write(`bench: ${b.name} …\n`);
      rows.push(...(await b.run()));
    }
    if (ctx.json) printJson(rows);
    else if (rows.length === 0) process.stdout.write('no benchmarks yet\n');
    else process.stdout.write(formatTable(rows) + '\n');
    return rows.some((r) => r.pass === false) ? 2 : 0;
  },
};
