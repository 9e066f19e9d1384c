// The fleet page and its login form: plain server-rendered HTML (no script), in Vietnamese or
// English. Alerts with what to do first, then each kiosk (queue after the last answer, lag,
// dataset versions, chain), the fleet's figures over time as SVG charts, boarded passengers.
import { esc, svgChart } from './fleet-charts.js';
import type { FleetAlert, FleetView, DerivedDetail, Range } from './fleet-view.js';
import { RANGES } from './fleet-view.js';
import { adviceFor, LANGS, WORDS, type Lang, type Words } from './fleet-words.js';

export function durationText(ms: number, lang: Lang): string {
  const u = lang === 'vi' ? { s: 'giây', m: 'phút', h: 'giờ', d: 'ngày' } : { s: 's', m: 'min', h: 'h', d: 'd' };
  if (ms < 60_000) return `${Math.round(ms / 1000)} ${u.s}`;
  if (ms < 5_400_000) return `${Math.round(ms / 60_000)} ${u.m}`;
  if (ms < 172_800_000) return `${(ms / 3_600_000).toFixed(1)} ${u.h}`;
  return `${(ms / 86_400_000).toFixed(1)} ${u.d}`;
}

/** The pages' one style sheet; the Content-Security-Policy allows it by its hash, and no script at all. */
export const FLEET_STYLE =
  'body{font:14px system-ui,sans-serif;margin:1.5rem;color:#1f2328}table{border-collapse:collapse;margin:.5rem 0 1.5rem}caption{text-align:left;font-weight:600;padding:.3rem 0}td,th{border-bottom:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}tr.revoked{color:#57606a}small{color:#57606a}h2{margin-top:1.5rem}.problem,.stale{color:#b3261e}.bad{color:#b3261e;font-weight:600}nav,form.filter{margin:.5rem 0}nav a{margin-right:.8rem}form.filter label{margin-right:.8rem}figure{margin:0 0 1rem}figcaption{font-weight:600}header{display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}';

function pageShell(lang: Lang, title: string, body: string, refresh = false): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">${refresh ? '<meta http-equiv="refresh" content="30">' : ''}<meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${FLEET_STYLE}</style></head><body>${body}</body></html>`;
}

function languageLinks(lang: Lang, href: (l: Lang) => string): string {
  const names: Record<Lang, string> = { vi: 'Tiếng Việt', en: 'English' };
  return `<nav aria-label="${WORDS[lang].language}">${LANGS.map((l) =>
    l === lang
      ? `<a href="${esc(href(l))}" aria-current="page" lang="${l}">${names[l]}</a>`
      : `<a href="${esc(href(l))}" lang="${l}">${names[l]}</a>`,
  ).join('')}</nav>`;
}

/** The login form: the operator token (from `kiosk registry operator-token`) in, a session cookie out. */
export function renderLoginPage(lang: Lang = 'vi', problem?: string): string {
  const w = WORDS[lang];
  return pageShell(
    lang,
    w.loginTitle,
    `<header><h1>${w.title}</h1>${languageLinks(lang, (l) => `/fleet?lang=${l}`)}</header><main>${problem ? `<p class="problem" role="alert">${esc(problem)}</p>` : ''}
<form method="post" action="/fleet/login"><label>${w.token} <input type="password" name="token" autocomplete="off" size="60" required></label> <button>${w.logIn}</button></form>
<p><small>${w.tokenHint} <code>kiosk registry operator-token --name NAME</code></small></p></main>`,
  );
}

function derivedText(d: DerivedDetail, lang: Lang): string {
  const w = WORDS[lang];
  switch (d.kind) {
    case 'silent':
      return lang === 'vi'
        ? `Liên lạc lần cuối ${w.ago(durationText(d.sinceMs, lang))}.`
        : `Last contact ${w.ago(durationText(d.sinceMs, lang))}.`;
    case 'never-seen':
      return lang === 'vi'
        ? `Đăng ký ${w.ago(durationText(d.enrolledMs, lang))}, chưa liên lạc lần nào.`
        : `Enrolled ${w.ago(durationText(d.enrolledMs, lang))}, no contact since.`;
    case 'queue':
      return lang === 'vi'
        ? `${d.queue} check-in đang chờ, cái lâu nhất ít nhất ${durationText(d.oldestMs, lang)}.`
        : `${d.queue} check-in${d.queue === 1 ? '' : 's'} waiting, the oldest for at least ${durationText(d.oldestMs, lang)}.`;
    case 'dataset':
      return lang === 'vi'
        ? `${d.name}: kiosk có bản ${d.have ?? '—'}, bản ${d.current} được công bố ${w.ago(durationText(d.publishedMs, lang))}.`
        : `${d.name}: the kiosk holds ${d.have ?? '—'}, version ${d.current} was published ${w.ago(durationText(d.publishedMs, lang))}.`;
  }
}

function alertRow(a: FleetAlert, lang: Lang): string {
  const w = WORDS[lang];
  const advice = adviceFor(a.kind, lang);
  const who = a.kiosk ? `${esc(a.site ?? '')} · ${esc(a.kiosk)}<br><small>${esc(a.kioskId ?? '')}</small>` : esc(a.kioskId ?? '');
  const when = a.source === 'now' ? w.now : esc(a.at.replace('T', ' ').slice(0, 19));
  const detail = a.source === 'now' ? esc(derivedText(a.detail, lang)) : esc(a.detail);
  return `<tr><td>${when}</td><td><span class="bad">${esc(advice.title)}</span><br><small>${esc(a.kind)}</small></td><td>${who}</td><td>${detail}</td><td>${esc(advice.todo)}</td></tr>`;
}

function kioskRow(k: FleetView['kiosks'][number], w: Words, lang: Lang, now: number): string {
  const seen = k.lastSeen ? w.ago(durationText(Math.max(0, now - Date.parse(k.lastSeen)), lang)) : w.never;
  const lag = [
    k.queue > 0 ? `${w.oldestWaiting}: ${durationText(k.oldestQueuedMs, lang)}` : `${w.oldestWaiting}: —`,
    `${w.recordedToStored}: ${k.lastLagMs === null ? '—' : durationText(k.lastLagMs, lang)}`,
  ].join('<br>');
  const datasets = k.datasets
    .map((d) =>
      d.have === null
        ? `${esc(d.name)}: <small>${w.notAsked}</small>`
        : d.stale
          ? `${esc(d.name)}: <span class="stale">${d.have} (${w.behind(d.current)})</span>`
          : `${esc(d.name)}: ${d.have}`,
    )
    .join('<br>');
  const chainProblems = [k.chainAlerts ? w.chainAlerts(k.chainAlerts) : '', k.disputedRows ? w.disputed(k.disputedRows) : ''].filter(
    Boolean,
  );
  const chain = chainProblems.length ? `<span class="bad">${chainProblems.join(', ')}</span>` : w.chainWhole(k.checkins);
  return `<tr${k.revoked ? ' class="revoked"' : ''}><td>${esc(k.site)}</td><th scope="row">${esc(k.name)}<br><small>${esc(k.id)}</small></th><td>${seen}</td><td>${k.queue}</td><td>${lag}</td><td>${datasets}</td><td>${chain}</td><td>${k.checkins}</td><td>${k.revoked ? w.revoked : w.active}</td></tr>`;
}

function charts(v: FleetView, w: Words, lang: Lang): string {
  const { points, bucketMs, from } = v.series;
  if (points.length === 0) return `<p>${w.noSamples}</p>`;
  const start = w.ago(w.ranges[v.range]);
  const count = (n: number) => String(Math.round(n));
  const defs = [
    { label: w.chartCheckins, pick: (p: (typeof points)[number]) => p.checkins, shape: 'bars', colour: '#1f6feb', format: count },
    { label: w.chartKiosks, pick: (p: (typeof points)[number]) => p.kiosks, shape: 'line', colour: '#1a7f37', format: count },
    { label: w.chartQueue, pick: (p: (typeof points)[number]) => p.queue, shape: 'line', colour: '#9a6700', format: count },
    {
      label: w.chartLag,
      pick: (p: (typeof points)[number]) => p.lagMs,
      shape: 'line',
      colour: '#8250df',
      format: (n: number) => durationText(n, lang),
    },
  ] as const;
  const per = lang === 'vi' ? `mỗi ${durationText(bucketMs, lang)}` : `per ${durationText(bucketMs, lang)}`;
  return defs
    .map((d) => {
      const series = points.map((p) => ({ at: p.at, value: d.pick(p) }));
      const peak = Math.max(0, ...series.map((s) => s.value));
      const label = `${d.label}${d.shape === 'bars' ? ` (${per})` : ''}, ${w.ranges[v.range]}: ${w.peak(d.format(peak))}`;
      return `<figure><figcaption>${esc(d.label)}${d.shape === 'bars' ? ` <small>(${esc(per)})</small>` : ''} — ${esc(w.peak(d.format(peak)))}</figcaption>${svgChart(
        {
          label,
          points: series,
          from,
          to: v.now,
          bucketMs,
          format: d.format,
          shape: d.shape,
          colour: d.colour,
          startLabel: start,
          endLabel: w.now,
        },
      )}</figure>`;
    })
    .join('');
}

/** The page's own address with the reader's choices; `lang` is also kept in a cookie by the route. */
export function fleetHref(o: { lang: Lang; site: string | null; range: Range; refresh: boolean }): string {
  const q = new URLSearchParams({ lang: o.lang });
  if (o.site) q.set('site', o.site);
  q.set('range', o.range);
  if (o.refresh) q.set('refresh', '30');
  return `/fleet?${q.toString()}`;
}

/**
 * The page. It refreshes itself only when the reader asks (`refresh`): a page that reloads on
 * its own unasked is an accessibility failure (WCAG 2.2.1), and axe says so.
 */
export function renderFleetPage(v: FleetView, lang: Lang = 'vi', o: { refresh?: boolean } = {}): string {
  const refresh = o.refresh ?? false;
  const w = WORDS[lang];
  const siteOptions = [`<option value=""${v.site === null ? ' selected' : ''}>${w.allSites}</option>`]
    .concat(
      [...new Set([...v.sites, ...(v.site ? [v.site] : [])])].map(
        (s) => `<option value="${esc(s)}"${s === v.site ? ' selected' : ''}>${esc(s)}</option>`,
      ),
    )
    .join('');
  const rangeOptions = (Object.keys(RANGES) as Range[])
    .map((r) => `<option value="${r}"${r === v.range ? ' selected' : ''}>${w.ranges[r]}</option>`)
    .join('');
  const filter = `<form class="filter" method="get" action="/fleet"><input type="hidden" name="lang" value="${lang}"><label>${w.site} <select name="site">${siteOptions}</select></label><label>${w.range} <select name="range">${rangeOptions}</select></label><label><input type="checkbox" name="refresh" value="30"${refresh ? ' checked' : ''}> ${w.autoRefresh}</label><button>${w.show}</button></form>`;
  const alerts = v.alerts.map((a) => alertRow(a, lang)).join('');
  const kiosks = v.kiosks.map((k) => kioskRow(k, w, lang, v.now)).join('');
  const boarded = v.boarded
    .map(
      (b) =>
        `<tr><td>${esc(b.site)}</td><td>${esc(b.date)}</td><th scope="row">${esc(b.flight)}</th><td>${b.passengers}</td><td>${b.admitted > b.passengers ? `${b.admitted} (${w.usedTwice})` : b.admitted}</td></tr>`,
    )
    .join('');
  const body = `<header><h1>${w.title}${v.site ? ` · ${esc(v.site)}` : ''}</h1>${languageLinks(lang, (l) => fleetHref({ lang: l, site: v.site, range: v.range, refresh }))}<form method="post" action="/fleet/logout"><button>${w.logOut}</button></form></header>
<main>${filter}<p>${w.summary(v.kiosks.length, v.alerts.length)}${refresh ? ` ${w.refreshing}` : ''}</p>
<h2 id="alerts">${w.alerts}</h2>${
    alerts
      ? `<table aria-labelledby="alerts"><thead><tr><th scope="col">${w.time}</th><th scope="col">${w.kind}</th><th scope="col">${w.kiosk}</th><th scope="col">${w.what}</th><th scope="col">${w.todo}</th></tr></thead><tbody>${alerts}</tbody></table>`
      : `<p>${w.noAlerts}</p>`
  }
<h2 id="kiosks">${w.kiosks}</h2>${
    kiosks
      ? `<table aria-labelledby="kiosks"><thead><tr><th scope="col">${w.site}</th><th scope="col">${w.kiosk}</th><th scope="col">${w.lastSeen}</th><th scope="col">${w.queue}</th><th scope="col">${w.lag}</th><th scope="col">${w.datasets}</th><th scope="col">${w.chain}</th><th scope="col">${w.checkins}</th><th scope="col">${w.state}</th></tr></thead><tbody>${kiosks}</tbody></table>`
      : `<p>${w.noKiosk}</p>`
  }
<h2>${w.overTime}</h2>${charts(v, w, lang)}
<h2 id="boarded">${w.boarded}</h2>${
    boarded
      ? `<table aria-labelledby="boarded"><thead><tr><th scope="col">${w.site}</th><th scope="col">${w.day}</th><th scope="col">${w.flight}</th><th scope="col">${w.passengers}</th><th scope="col">${w.admittedCheckins}</th></tr></thead><tbody>${boarded}</tbody></table>`
      : `<p>${w.noBoarded}</p>`
  }</main>`;
  return pageShell(lang, v.site ? `${w.title} · ${v.site}` : w.title, body, refresh);
}
