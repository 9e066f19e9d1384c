// `kiosk sim fleet`: many real kiosk engines against one registry, with scheduled outages,
// a live progress line, a final report, an HTML report, and the exactly-once check.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger } from '../../main/core/logger.js';
import type { Db } from '../../registry/db.js';
import { openRegistryDb } from '../../registry/open.js';
import { CliError, intOption, printJson, stringOption, type Command } from '../command.js';
import { runFleet, type FleetResult, type Progress } from '../fleet/fleet.js';
import { checkOutages, parseDuration, parseOutage } from '../fleet/options.js';
import { fleetReportHtml } from '../fleet/report-html.js';

export const simFleet: Command = {
  name: 'sim fleet',
  summary: 'N simulated kiosks (the real engine each) against one registry, with outages; report and exactly-once check',
  help: `
Usage: kiosk sim fleet --kiosks N --rate R --duration D [--site hospital|airport]
                       [--registry URL --code C [--registry-db URL]] [--outage AT+FOR …]
                       [--seed S] [--drain-timeout D] [--report FILE.html] [--json]

Runs N kiosks in this process, each the real engine (its own kiosk database and key,
workflow, decision, store and sync), against one registry through a loopback proxy.
People arrive at each kiosk at random (seeded), scan their card's front QR code (at an
airport their boarding pass first), pause, and put their virtual chip on the kiosk's
reader; the chip is read and verified in full, in process (not through pcscd). The face
step is off at the fleet's site (no cameras). Then the queues drain and every check-in the
kiosks recorded is looked up in the registry's own database: present exactly once?

  --kiosks N        how many kiosks (1–200)
  --rate R          check-ins per second across the fleet (e.g. 5 or 2.5)
  --duration D      how long people arrive: 90s, 2m, 1m30s
  --site KIND       hospital (default) or airport
  --registry URL    an external registry (default: the fleet's own, kiosk registry with
                    PGlite in a child process on loopback, with the simulator's site
                    configuration and roster published)
  --code C          its enrolment code for N kiosks (kiosk registry enrol-code --site S --uses N)
  --registry-db URL the external registry's PostgreSQL, for the exactly-once check
                    (default REGISTRY_DATABASE_URL; without it the check is not made: exit 1)
  --outage AT+FOR   cut every kiosk's path to the registry AT into the run FOR so long,
                    e.g. 30s+20s (repeatable)
  --seed S          arrivals, think times and citizens (default "fleet")
  --drain-timeout D how long to wait for the queues after the run (default 2m)
  --report FILE     the HTML report (default fleet-report-<time>.html here)

Progress goes to stderr every second. Exit 0 when every recorded check-in is in the
registry exactly once, 1 otherwise.

JSON: {"checkins","kiosks","site","rate":{"asked","achieved"},"durationS","outages",
"decisions","reasons","decisionMs":{"p50","p95","p99","max"},"syncLagMs":{…},"errors",
"queueLeft","drainedInS","exactlyOnce":{"checked","records","present","missing",
"duplicated","wrongHash","ok"},"report"}`,
  options: {
    kiosks: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    site: { type: 'string' },
    registry: { type: 'string' },
    code: { type: 'string' },
    'registry-db': { type: 'string' },
    outage: { type: 'string', multiple: true },
    seed: { type: 'string' },
    'drain-timeout': { type: 'string' },
    report: { type: 'string' },
  },
  async run(ctx) {
    if (stringOption(ctx, 'kiosks') === undefined) throw new CliError('--kiosks N is required (how many kiosks, 1–200)');
    const kiosks = intOption(ctx, 'kiosks', 0, 1, 200);
    const rateText = stringOption(ctx, 'rate');
    if (rateText === undefined) throw new CliError('--rate R is required (check-ins per second across the fleet)');
    const rate = Number(rateText);
    if (!/^\d+(\.\d+)?$/.test(rateText) || !(rate > 0) || rate > 500)
      throw new CliError(`--rate must be a number of check-ins per second above 0 and at most 500, not "${rateText}"`);
    const durationMs = durationOption(stringOption(ctx, 'duration'), 'duration', null);
    if (durationMs < 1000 || durationMs > 3_600_000) throw new CliError('--duration must be from 1s to 1h');
    const drainTimeoutMs = durationOption(stringOption(ctx, 'drain-timeout'), 'drain-timeout', 120_000);
    const site = stringOption(ctx, 'site') ?? 'hospital';
    if (site !== 'hospital' && site !== 'airport') throw new CliError(`--site must be hospital or airport, not "${site}"`);
    const raw = ctx.values['outage'];
    const outageTexts = Array.isArray(raw) ? (raw as string[]) : [];
    const outages = outageTexts.map((t) => {
      const o = parseOutage(t, durationMs);
      if (!o.ok) throw new CliError(`--outage: ${o.problem}`);
      return o.value;
    });
    const ordered = checkOutages(outages);
    if (!ordered.ok) throw new CliError(`--outage: ${ordered.problem}`);
    const registryUrl = stringOption(ctx, 'registry');
    const code = stringOption(ctx, 'code');
    if (registryUrl && !code) throw new CliError(`--registry needs --code (kiosk registry enrol-code --site SITE --uses ${kiosks})`);
    if (code && !registryUrl) throw new CliError('--code is for an external registry: give --registry URL too');
    if (registryUrl) {
      try {
        const u = new URL(registryUrl);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
      } catch {
        throw new CliError(`--registry "${registryUrl.slice(0, 100)}" is not an http:// or https:// URL`);
      }
    }
    const reportPath = resolve(stringOption(ctx, 'report') ?? `fleet-report-${new Date().toISOString().replace(/[:.]/g, '-')}.html`);
    const seed = stringOption(ctx, 'seed') ?? 'fleet';

    let registryDb: Db | null = null;
    const dbUrl = stringOption(ctx, 'registry-db') ?? (registryUrl ? process.env['REGISTRY_DATABASE_URL'] : undefined);
    if (registryUrl && dbUrl) {
      try {
        registryDb = await openRegistryDb({ kind: 'postgres', url: dbUrl });
      } catch (err) {
        throw new CliError(`cannot open the registry's database for the exactly-once check: ${(err as Error).message}`);
      }
    }

    const say = (s: string) => process.stderr.write(`${live ? '\n' : ''}fleet: ${s}\n`);
    let live = false;
    const tty = process.stderr.isTTY === true;
    let ticks = 0;
    const progress = (p: Progress) => {
      const line = progressLine(p);
      if (tty) {
        process.stderr.write(`\r${line}\x1b[K`);
        live = true;
      } else if (++ticks % 5 === 0) process.stderr.write(`${line}\n`); // a log file gets a line every 5 s
    };
    let result: FleetResult;
    try {
      result = await runFleet({
        kiosks,
        rate,
        durationMs,
        site,
        outages: ordered.value,
        registry: registryUrl ? { url: registryUrl, code: code!, db: registryDb } : null,
        seed,
        drainTimeoutMs,
        log: createLogger('fleet', process.env['KIOSK_LOG_LEVEL'] ?? 'error'),
        onProgress: progress,
        onPhase: (s) => {
          say(s);
          live = false;
        },
      });
    } catch (err) {
      const why = (err as Error).message;
      const hint = /used-code/.test(why) ? ` (a code for ${kiosks} kiosks: kiosk registry enrol-code --site SITE --uses ${kiosks})` : '';
      throw new CliError(`the fleet run failed: ${why}${hint}`);
    } finally {
      await registryDb?.close();
    }
    if (live) process.stderr.write('\n');

    try {
      writeFileSync(reportPath, fleetReportHtml(result));
    } catch (err) {
      throw new CliError(`cannot write the report ${reportPath}: ${(err as Error).message}`);
    }
    process.stderr.write(`fleet: báo cáo · report: ${reportPath}\n`);
    const { samples: _samples, ...summary } = result;
    if (ctx.json) printJson({ ...summary, report: reportPath });
    else process.stdout.write(textSummary(result));
    return result.exactlyOnce.ok ? 0 : 1;
  },
};

function durationOption(text: string | undefined, name: string, fallback: number | null): number {
  if (text === undefined) {
    if (fallback === null) throw new CliError(`--${name} is required (90s, 2m, 1m30s)`);
    return fallback;
  }
  const d = parseDuration(text);
  if (!d.ok) throw new CliError(`--${name}: ${d.problem}`);
  return d.value;
}

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

export function progressLine(p: Progress): string {
  return [
    p.phase === 'running' ? `${clock(p.elapsedMs)}/${clock(p.durationMs)}` : `${clock(p.elapsedMs)} đồng bộ nốt · draining`,
    `check-in ${p.checkins} (${p.perSecond}/s)`,
    `chờ · queued ${p.queued}`,
    `lỗi · errors ${p.errors}`,
    ...(p.outage ? ['MẤT KẾT NỐI · REGISTRY CUT'] : []),
  ].join('  ');
}

function textSummary(r: FleetResult): string {
  const p = (x: FleetResult['decisionMs']) => `p50 ${x.p50 ?? '–'} ms, p95 ${x.p95 ?? '–'} ms, p99 ${x.p99 ?? '–'} ms`;
  const eo = r.exactlyOnce;
  const errs = Object.entries(r.errors);
  return [
    `${r.kiosks} kiosks (${r.site}), ${r.durationS} s: ${r.checkins} check-ins recorded · lượt đã ghi, ${r.rate.achieved}/s (asked · yêu cầu ${r.rate.asked}/s)`,
    `decisions · kết quả: admitted ${r.decisions.admitted}, refused ${r.decisions.refused}, referred ${r.decisions.referred}${
      Object.keys(r.reasons).length
        ? ` (${Object.entries(r.reasons)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ')})`
        : ''
    }`,
    `decision latency · độ trễ quyết định: ${p(r.decisionMs)}`,
    `sync lag · độ trễ đồng bộ: ${p(r.syncLagMs)}`,
    `errors · lỗi: ${errs.length ? errs.map(([k, n]) => `${k} ${n}`).join(', ') : 'none · không'}`,
    `queue left · còn chờ: ${r.queueLeft}${r.drainedInS !== null ? ` (drained in ${r.drainedInS} s)` : ''}`,
    eo.ok
      ? `registry · kiểm tra: all ${eo.records} present exactly once · tất cả có đúng một lần`
      : eo.checked
        ? `registry · kiểm tra: ${eo.present}/${eo.records} exactly once; missing ${eo.missing.join(' ') || '0'}; duplicated ${
            eo.duplicated.map((d) => `${d.id}×${d.count}`).join(' ') || '0'
          }; wrong hash ${eo.wrongHash.join(' ') || '0'}`
        : `registry · kiểm tra: not checked · chưa kiểm tra (${eo.why})`,
    '',
  ].join('\n');
}
