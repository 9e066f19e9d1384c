/** One measured figure, printed as a table row beside its same-run baseline. */
export interface BenchRow {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** Same quantity measured in the same run on the reference path, when there is one. */
  baseline?: number;
  /** value ÷ baseline (or value ÷ lower bound), as the benchmark defines it. */
  ratio?: number;
  /** The target, in words, e.g. "≤ 1.25". */
  target?: string;
  pass?: boolean;
}

export interface Benchmark {
  name: string;
  /** Prints progress to stderr itself if it runs long. */
  run(): Promise<BenchRow[]>;
}
