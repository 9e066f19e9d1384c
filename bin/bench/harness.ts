// Finds bin/bench/*.bench.ts, runs them one after another, prints one table.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow, Benchmark } from './types.js';

const benchDir = fileURLToPath(new URL('./', import.meta.url));

export async function loadBenchmarks(filter?: string): Promise<Benchmark[]> {
  const files = (await readdir(benchDir)).filter((f) => f.endsWith('.bench.ts')).sort();
  const found: Benchmark[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(benchDir + f).href)) as { benchmarks?: Benchmark[] };
    for (const b of mod.benchmarks ?? []) if (!filter || b.name.includes(filter)) found.push(b);
  }
  return found;
}

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['bench', 'metric', 'value', 'unit', 'baseline', 'ratio', 'target', 'ok'];
  const body = rows.map((r) => [
    r.bench,
    r.metric,
    fmt(r.value),
    r.unit,
    fmt(r.baseline),
    fmt(r.ratio),
    r.target ?? '',
    r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}
