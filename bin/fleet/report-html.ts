// The fleet run as one self-contained HTML page (inline SVG and CSS, nothing fetched), in
// Vietnamese and English: throughput, sync lag and queue depth over time with the outages
// shaded, and the summary table.
import type { FleetResult } from './fleet.js';
import { esc, lineChart } from './svg-chart.js';

const ms = (v: number | null) => (v === null ? '–' : `${v} ms`);

export function fleetReportHtml(r: FleetResult): string {
  const bands = r.outages.map((o) => ({ from: o.atS, to: o.atS + o.forS }));
  const t = r.samples;
  const charts = [
    lineChart({
      title: 'Lượt check-in mỗi giây · Check-ins per second',
      unit: '/s',
      times: t.map((s) => s.t),
      bands,
      series: [{ label: 'check-in/s', color: '#1565c0', values: t.map((s) => s.perSecond) }],
    }),
    lineChart({
      title: 'Độ trễ đồng bộ · Sync lag (ghi → registry xác nhận · recorded → acknowledged)',
      unit: 'ms',
      times: t.map((s) => s.t),
      bands,
      series: [
        { label: 'lớn nhất · max', color: '#c62828', values: t.map((s) => s.lagMaxMs) },
        { label: 'trung vị · median', color: '#2e7d32', values: t.map((s) => s.lagP50Ms) },
      ],
    }),
    lineChart({
      title: 'Hàng đợi chưa đồng bộ · Queue depth (cả đội · whole fleet)',
      unit: 'check-ins',
      times: t.map((s) => s.t),
      bands,
      series: [{ label: 'đang chờ · queued', color: '#6a1b9a', values: t.map((s) => s.queued) }],
    }),
  ];
  const eo = r.exactlyOnce;
  const row = (vi: string, en: string, value: string) => `<tr><th>${esc(vi)}<br><span>${esc(en)}</span></th><td>${value}</td></tr>`;
  const pct = (p: FleetResult['decisionMs']) => `p50 ${ms(p.p50)} · p95 ${ms(p.p95)} · p99 ${ms(p.p99)} · max ${ms(p.max)}`;
  const list = (o: Record<string, number>) =>
    Object.keys(o).length
      ? Object.entries(o)
          .map(([k, n]) => `${esc(k)}: ${n}`)
          .join('<br>')
      : '0';
  const verdict = eo.ok
    ? '<strong class="ok">Mọi lượt đều có đúng một lần · every check-in present exactly once</strong>'
    : `<strong class="bad">${
        eo.checked
          ? `Thiếu ${eo.missing.length}, trùng ${eo.duplicated.length}, sai hash ${eo.wrongHash.length} · missing, duplicated, wrong hash`
          : esc(eo.why ?? 'not checked')
      }</strong>`;
  const ids = (label: string, xs: string[]) => (xs.length ? `<p>${esc(label)}: <code>${xs.map(esc).join(' ')}</code></p>` : '');
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tải đội kiosk · Fleet load — ${esc(r.startedAt)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 920px; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid #e5e5e5; }
th { width: 42%; font-weight: 600; } th span { font-weight: 400; color: #666; }
.ok { color: #2e7d32; } .bad { color: #c62828; }
.legend { color: #666; } .swatch { display: inline-block; width: 14px; height: 10px; background: #f4c7c3; }
svg { display: block; margin: 12px 0; max-width: 100%; height: auto; }
code { font-size: 12px; word-break: break-all; }
</style>
</head>
<body>
<h1>Tải đội kiosk · Fleet load</h1>
<p>${r.kiosks} kiosk · ${esc(r.siteKind)} (${esc(r.site)}) · ${r.durationS} s · ${esc(r.startedAt)} · registry ${esc(r.registry.url)}${
    r.registry.own ? ' (riêng của đội, PGlite · the fleet’s own, PGlite)' : ''
  }</p>
<p class="legend"><span class="swatch"></span> mất kết nối registry · registry outage</p>
${charts.join('\n')}
<h2>Tóm tắt · Summary</h2>
<table id="summary">
${row('Lượt check-in đã ghi', 'Check-ins recorded', String(r.checkins))}
${row('Lượt mỗi giây (yêu cầu / đạt)', 'Check-ins per second (asked / achieved)', `${r.rate.asked} / ${r.rate.achieved}`)}
${row('Kết quả', 'Decisions', `nhận · admitted ${r.decisions.admitted}, từ chối · refused ${r.decisions.refused}, chuyển nhân viên · referred ${r.decisions.referred}`)}
${row('Lý do', 'Reasons', list(r.reasons))}
${row('Độ trễ quyết định (đặt thẻ → ghi)', 'Decision latency (card placed → recorded)', pct(r.decisionMs))}
${row('Độ trễ đồng bộ (ghi → xác nhận)', 'Sync lag (recorded → acknowledged)', pct(r.syncLagMs))}
${row('Lỗi theo loại', 'Errors by kind', list(r.errors))}
${row('Còn trong hàng đợi', 'Queue left', `${r.queueLeft}${r.drainedInS !== null ? ` (hết sau · drained in ${r.drainedInS} s)` : ''}`)}
${row('Mất kết nối', 'Outages', r.outages.map((o) => `${o.atS} s + ${o.forS} s`).join(', ') || '–')}
${row('Kiểm tra với registry', 'Checked against the registry', `${eo.present} / ${eo.records} ${verdict}`)}
</table>
${ids('Thiếu · missing', eo.missing)}${ids(
    'Trùng · duplicated',
    eo.duplicated.map((d) => `${d.id}×${d.count}`),
  )}${ids('Sai hash · wrong hash', eo.wrongHash)}
<script type="application/json" id="fleet-result">${JSON.stringify({ ...r, samples: undefined }).replace(/</g, '\\u003c')}</script>
</body>
</html>
`;
}
