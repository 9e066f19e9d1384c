// A small line chart as inline SVG (no library, no network): one or more series over the
// run's seconds, shaded bands where the registry was cut off, axes with a few round ticks.
export interface Series {
  label: string;
  color: string;
  /** One value per sample (null: nothing to show then). */
  values: (number | null)[];
}

export interface ChartSpec {
  title: string;
  unit: string;
  /** Each sample's time, in seconds since the run started (the x axis). */
  times: number[];
  series: Series[];
  /** Seconds where the registry was cut off: [from, to). */
  bands: { from: number; to: number }[];
  width?: number;
  height?: number;
}

export const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A round step giving about `n` ticks up to `max`. */
export function niceStep(max: number, n = 5): number {
  if (max <= 0) return 1;
  const raw = max / n;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
}

export function lineChart(spec: ChartSpec): string {
  const w = spec.width ?? 860;
  const h = spec.height ?? 240;
  const pad = { l: 56, r: 16, t: 28, b: 32 };
  const n = Math.max(1, Math.ceil(Math.max(0, ...spec.times)));
  const maxV = Math.max(0, ...spec.series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const step = niceStep(maxV || 1);
  const top = Math.max(step, Math.ceil((maxV || 1) / step) * step);
  const x = (t: number) => pad.l + (t / n) * (w - pad.l - pad.r);
  const y = (v: number) => h - pad.b - (v / top) * (h - pad.t - pad.b);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(spec.title)}">`,
  );
  out.push(`<text x="${pad.l}" y="16" font-size="13" font-weight="bold">${esc(spec.title)}</text>`);
  for (const b of spec.bands)
    out.push(
      `<rect class="outage" x="${x(b.from).toFixed(1)}" y="${pad.t}" width="${Math.max(1, x(Math.min(b.to, n)) - x(b.from)).toFixed(1)}" height="${h - pad.t - pad.b}" fill="#f4c7c3" opacity="0.6"/>`,
    );
  for (let v = 0; v <= top + 1e-9; v += step) {
    out.push(`<line x1="${pad.l}" x2="${w - pad.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
    out.push(`<text x="${pad.l - 6}" y="${(y(v) + 4).toFixed(1)}" font-size="11" text-anchor="end">${+v.toFixed(3)}</text>`);
  }
  const tStep = niceStep(n, 8);
  for (let t = 0; t <= n; t += tStep)
    out.push(`<text x="${x(t).toFixed(1)}" y="${h - pad.b + 16}" font-size="11" text-anchor="middle">${t}s</text>`);
  out.push(`<text x="${w - pad.r}" y="16" font-size="11" text-anchor="end">${esc(spec.unit)}</text>`);
  spec.series.forEach((s, i) => {
    // Gaps (null) break the line rather than drawing it through zero.
    const parts: string[] = [];
    let pen = 'M';
    s.values.forEach((v, t) => {
      if (v === null) {
        pen = 'M';
        return;
      }
      parts.push(`${pen}${x(spec.times[t] ?? t).toFixed(1)},${y(v).toFixed(1)}`);
      pen = 'L';
    });
    if (parts.length) out.push(`<path d="${parts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.8"/>`);
    const lx = pad.l + 8 + i * 220;
    out.push(`<rect x="${lx}" y="${h - 10}" width="10" height="3" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 14}" y="${h - 5}" font-size="11">${esc(s.label)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
