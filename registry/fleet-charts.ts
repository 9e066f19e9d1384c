// Small server-drawn SVG charts for the fleet page: no script and no style attribute (the
// page's CSP allows neither), only presentation attributes; each chart is an image with a
// name and a short text beside it that says the same for readers who cannot see it.
const W = 720;
const H = 120;
const PAD_LEFT = 44;
const PAD_BOTTOM = 18;

/** Text for HTML: the five characters that could end an attribute or open a tag, as references. */
export const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export interface ChartInput {
  label: string;
  /** Values by bucket start (ms); buckets without a value are gaps. */
  points: { at: number; value: number }[];
  from: number;
  to: number;
  bucketMs: number;
  format: (v: number) => string;
  /** Bars for counts per bucket; a line for levels. */
  shape: 'bars' | 'line';
  colour: string;
  /** Axis labels at both ends, e.g. "6 giờ trước" and "hiện tại". */
  startLabel: string;
  endLabel: string;
}

export function svgChart(c: ChartInput): string {
  const max = Math.max(0, ...c.points.map((p) => p.value));
  const top = max > 0 ? max : 1;
  const span = Math.max(1, c.to - c.from);
  const plotW = W - PAD_LEFT;
  const plotH = H - PAD_BOTTOM - 6;
  const x = (at: number) => PAD_LEFT + ((at - c.from) / span) * plotW;
  const y = (v: number) => 6 + plotH - (v / top) * plotH;
  const bw = Math.max(1, (c.bucketMs / span) * plotW - 1);
  let marks = '';
  if (c.shape === 'bars') {
    marks = c.points
      .filter((p) => p.value > 0 && p.at >= c.from)
      .map(
        (p) =>
          `<rect x="${x(p.at).toFixed(1)}" y="${y(p.value).toFixed(1)}" width="${bw.toFixed(1)}" height="${(6 + plotH - y(p.value)).toFixed(1)}" fill="${c.colour}"><title>${esc(new Date(p.at).toISOString().slice(11, 16))} UTC: ${esc(c.format(p.value))}</title></rect>`,
      )
      .join('');
  } else {
    // One polyline per run of consecutive buckets: a missing sample is a gap, not a zero.
    const runs: { at: number; value: number }[][] = [];
    let prev = -Infinity;
    for (const p of c.points.filter((q) => q.at >= c.from)) {
      if (p.at - prev > c.bucketMs || runs.length === 0) runs.push([]);
      runs[runs.length - 1]!.push(p);
      prev = p.at;
    }
    marks = runs
      .map((r) =>
        r.length === 1
          ? `<circle cx="${(x(r[0]!.at) + bw / 2).toFixed(1)}" cy="${y(r[0]!.value).toFixed(1)}" r="2" fill="${c.colour}"/>`
          : `<polyline fill="none" stroke="${c.colour}" stroke-width="2" points="${r.map((p) => `${(x(p.at) + bw / 2).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')}"/>`,
      )
      .join('');
  }
  const axis = `<line x1="${PAD_LEFT}" y1="${6 + plotH}" x2="${W}" y2="${6 + plotH}" stroke="#8c959f"/><text x="0" y="14" font-size="11" fill="#424a53">${esc(c.format(top))}</text><text x="0" y="${6 + plotH}" font-size="11" fill="#424a53">0</text><text x="${PAD_LEFT}" y="${H - 2}" font-size="11" fill="#424a53">${esc(c.startLabel)}</text><text x="${W}" y="${H - 2}" font-size="11" text-anchor="end" fill="#424a53">${esc(c.endLabel)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(c.label)}">${axis}${marks}</svg>`;
}
