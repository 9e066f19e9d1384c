// How scenario results read on a terminal: a pass/fail table, then for each failure the step
// and its diff (field, expected, actual), in Vietnamese and English as the technicians read.
import type { ScenarioResult, StepOutcome } from './scenario-runner.js';

const show = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

function stepName(o: StepOutcome): string {
  return 'expect' in o.step ? 'expect' : `do: ${o.step.do}`;
}

/** The lines that say why a scenario did not pass. */
export function failureLines(r: ScenarioResult): string[] {
  if (r.problem) return [`  ${r.problem}`];
  const bad = r.steps.find((s) => s.status !== 'ok');
  if (!bad) return [];
  const head = `  bước / step ${bad.index + 1} (${stepName(bad)})`;
  if (bad.status === 'error') return [`${head}: ${bad.message} [${bad.code}]`, ...skipped(r)];
  if (bad.status === 'failed')
    return [
      `${head} did not hold within its time:`,
      ...bad.diff.map((d) => `    ${d.field}: expected / mong đợi ${show(d.expected)}, actual / thực tế ${show(d.actual)}`),
      ...skipped(r),
    ];
  return [];
}

function skipped(r: ScenarioResult): string[] {
  return r.skipped > 0 ? [`  (${r.skipped} step(s) after it not run / không chạy)`] : [];
}

export function resultTable(rows: { file: string; result: ScenarioResult }[]): string {
  const cells = rows.map(({ file, result: r }) => [
    r.passed ? 'PASS' : 'FAIL',
    r.name,
    `${r.steps.filter((s) => s.status === 'ok').length}/${r.steps.length + r.skipped}`,
    `${(r.ms / 1000).toFixed(1)} s`,
    file,
  ]);
  const header = ['ĐẠT?', 'Kịch bản / scenario', 'bước / steps', 'thời gian / time', 'tệp / file'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((x, i) => x.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  for (const { file, result } of rows) {
    if (result.passed) continue;
    out.push('', `FAIL ${result.name} (${file})`, ...failureLines(result));
  }
  const passed = rows.filter((r) => r.result.passed).length;
  out.push('', `${passed} đạt / passed, ${rows.length - passed} không đạt / failed`);
  return out.join('\n') + '\n';
}
