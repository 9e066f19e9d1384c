// The fleet's figures and charts: percentiles, round axis steps, outage bands, gaps.
import { describe, expect, it } from 'vitest';
import { checkOutages, parseDuration, parseOutage } from '../fleet/options.js';
import { percentile, percentiles } from '../fleet/stats.js';
import { lineChart, niceStep } from '../fleet/svg-chart.js';

describe('fleet figures', () => {
  it('percentiles by rank, none of nothing', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(xs, 50), percentile(xs, 95), percentile(xs, 99), percentile(xs, 100)]).toEqual([50, 95, 99, 100]);
    expect(percentiles([])).toEqual({ p50: null, p95: null, p99: null, max: null });
  });

  it('reads durations and outages strictly', () => {
    expect(parseDuration('2m')).toEqual({ ok: true, value: 120_000 });
    expect(parseDuration('1.5s')).toEqual({ ok: true, value: 1500 });
    for (const bad of ['', '2', 'm', '2x', '1m 30s', '-5s']) expect(parseDuration(bad).ok).toBe(false);
    expect(parseOutage('40s+0s', 60_000)).toMatchObject({ ok: false, problem: expect.stringMatching(/longer than 0 s/) });
    expect(
      checkOutages([
        { atMs: 30_000, forMs: 5000 },
        { atMs: 10_000, forMs: 5000 },
      ]),
    ).toEqual({
      ok: true,
      value: [
        { atMs: 10_000, forMs: 5000 },
        { atMs: 30_000, forMs: 5000 },
      ],
    });
  });

  it('draws a chart: round ticks, one band per outage, gaps not drawn through zero, text escaped', () => {
    expect([niceStep(23), niceStep(0.7), niceStep(1000)]).toEqual([5, 0.2, 200]);
    const svg = lineChart({
      title: 'Q <&> "x"',
      unit: 'ms',
      times: [1, 2, 3, 4],
      series: [{ label: 'lag', color: '#c00', values: [10, null, 30, 40] }],
      bands: [{ from: 2, to: 3 }],
    });
    expect(svg).toContain('Q &lt;&amp;&gt; &quot;x&quot;');
    expect(svg.match(/class="outage"/g)).toHaveLength(1);
    // The gap starts a new stroke: two moves, one line.
    const d = /<path d="([^"]+)"/.exec(svg)![1]!;
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/L/g)).toHaveLength(1);
  });
});
