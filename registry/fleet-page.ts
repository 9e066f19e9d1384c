// The fleet page and its login form: plain server-rendered HTML (no script), kiosks with last seen, queue and
// sync lag, check-ins per hour per site as an SVG chart, boarded passengers per flight, and the latest alerts.
import type { fleet } from './stats.js';

type Fleet = Awaited<ReturnType<typeof fleet>>;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const ago = (iso: string | null, now: number) => {
  if (!iso) return 'never';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};
const duration = (ms: number) =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`;

function chart(hourly: Fleet['hourly'], now: number): string {
  const sites = [...new Set(hourly.map((h) => h.site))].sort();
  if (sites.length === 0) return '<p>No check-ins in the last 24 hours.</p>';
  const start = Math.floor(now / 3_600_000) * 3_600_000 - 23 * 3_600_000;
  const max = Math.max(1, ...hourly.map((h) => h.n));
  const W = 720;
  const rowH = 70;
  const bw = W / 24;
  const colours = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989'];
  const rows = sites.map((site, si) => {
    const bars = hourly
      .filter((h) => h.site === site)
      .map((h) => {
        const slot = Math.round((Date.parse(h.hour) - start) / 3_600_000);
        if (slot < 0 || slot > 23) return '';
        const hgt = Math.max(1, (h.n / max) * (rowH - 20));
        return `<rect x="${(slot * bw + 1).toFixed(1)}" y="${(si * rowH + rowH - hgt).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${hgt.toFixed(1)}" fill="${colours[si % colours.length]}"><title>${esc(site)} ${esc(h.hour.slice(11, 16))}: ${h.n}</title></rect>`;
      })
      .join('');
    return `<text x="0" y="${si * rowH + 12}" font-size="12">${esc(site)}</text>${bars}`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${sites.length * rowH + 16}" role="img" aria-label="check-ins per hour per site, last 24 hours">${rows.join('')}<text x="0" y="${sites.length * rowH + 14}" font-size="11">24 h ago</text><text x="${W - 30}" y="${sites.length * rowH + 14}" font-size="11">now</text></svg><p>Tallest bar: ${max} check-ins in an hour.</p>`;
}

/** The pages' one style sheet; the Content-Security-Policy allows it by its hash, and no script at all. */
export const FLEET_STYLE =
  'body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1f2328}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border-bottom:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}tr.revoked{color:#8c959f}small{color:#656d76}h2{margin-top:1.5rem}p.problem{color:#d1242f}';

/** The login form: the operator token (from `kiosk registry operator-token`) in, a session cookie out. */
export function renderLoginPage(problem?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>cccd-kiosk fleet: log in</title><style>${FLEET_STYLE}</style></head><body>
<h1>Kiosk fleet</h1>${problem ? `<p class="problem">${esc(problem)}</p>` : ''}
<form method="post" action="/fleet/login"><label>Operator token <input type="password" name="token" autocomplete="off" size="60" required></label> <button>Log in</button></form>
<p><small>An operator token is made on the registry's machine: <code>kiosk registry operator-token --name NAME</code>.</small></p>
</body></html>`;
}

export function renderFleetPage(f: Fleet, now = Date.now()): string {
  const rows = f.kiosks
    .map(
      (k) =>
        `<tr${k.revoked ? ' class="revoked"' : ''}><td>${esc(k.site)}</td><td>${esc(k.name)}<br><small>${esc(k.id)}</small></td><td>${ago(k.lastSeen, now)}</td><td>${k.queueLength}</td><td>${k.queueLength ? duration(k.syncLagMs) : '—'}</td><td>${k.checkins}</td><td>${k.revoked ? 'revoked' : 'active'}</td></tr>`,
    )
    .join('');
  const alerts = f.alerts
    .map(
      (a) =>
        `<tr><td>${esc(a.at.replace('T', ' ').slice(0, 19))}</td><td>${esc(a.kind)}</td><td>${esc(a.kiosk ?? '')}</td><td>${esc(a.detail)}</td></tr>`,
    )
    .join('');
  const boarded = f.boarded
    .map(
      (b) =>
        `<tr><td>${esc(b.site)}</td><td>${esc(b.date)}</td><td>${esc(b.flight)}</td><td>${b.passengers}</td><td>${b.admitted > b.passengers ? `${b.admitted} (a pass used twice: see the alerts)` : b.admitted}</td></tr>`,
    )
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="30"><title>cccd-kiosk fleet</title>
<style>${FLEET_STYLE}</style></head><body>
<h1>Kiosk fleet</h1><p>${f.kiosks.length} kiosks; refreshed every 30 s.</p><form method="post" action="/fleet/logout"><button>Log out</button></form>
<h2>Kiosks</h2><table><thead><tr><th>Site</th><th>Kiosk</th><th>Last seen</th><th>Queue</th><th>Sync lag</th><th>Check-ins</th><th>State</th></tr></thead><tbody>${rows || '<tr><td colspan="7">No kiosk enrolled yet.</td></tr>'}</tbody></table>
<h2>Check-ins per hour, by site</h2>${chart(f.hourly, now)}
<h2>Boarded passengers per flight, today and yesterday</h2>${boarded ? `<table><thead><tr><th>Site</th><th>Day</th><th>Flight</th><th>Passengers</th><th>Admitted check-ins</th></tr></thead><tbody>${boarded}</tbody></table>` : '<p>No passenger boarded.</p>'}
<h2>Alerts</h2><table><thead><tr><th>Time (UTC)</th><th>Kind</th><th>Kiosk</th><th>What</th></tr></thead><tbody>${alerts || '<tr><td colspan="4">None.</td></tr>'}</tbody></table>
</body></html>`;
}
