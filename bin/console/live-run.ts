// Running a scenario live on the site the technician watches: each step is told (in
// Vietnamese and English) as it starts, actions go to the site, and an expectation waits
// until the site shows it or says, in a line, what it showed instead.
import type { Action, Expectation, Scenario } from '../../simulator/scenario/steps.js';
import type { ConsoleSiteLike } from './site-backend.js';
import type { RunProgress } from './server.js';

const DEFAULT_EXPECT_MS = 15_000;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** An action told in a line, Vietnamese then English. */
export function describeAction(a: Action): string {
  switch (a.do) {
    case 'card-on': {
      const faults = a.faults?.length ? ` [${a.faults.join(', ')}]` : '';
      return `Đặt thẻ của công dân ${a.citizen} lên đầu đọc ${a.reader ?? 0}${faults} · Card of citizen ${a.citizen} on reader ${a.reader ?? 0}${faults}`;
    }
    case 'card-off':
      return `Lấy thẻ khỏi đầu đọc ${a.reader ?? 0} · Card off reader ${a.reader ?? 0}`;
    case 'scan-qr':
      return `Quét mã QR của công dân ${a.citizen} · Scan citizen ${a.citizen}'s front QR code`;
    case 'scan-pass':
      return `Quét thẻ lên máy bay của công dân ${a.citizen} · Scan citizen ${a.citizen}'s boarding pass`;
    case 'scan-text':
      return `Quét một mã khác · Scan another code`;
    case 'camera':
      return `Camera nhìn thấy: ${a.subject} · The camera sees: ${a.subject}`;
    case 'network':
      return a.state === 'cut' ? 'Cắt mạng tới máy chủ · Network to the registry cut' : 'Khôi phục mạng · Network restored';
    case 'clock':
      return `Lệch đồng hồ ${a.skewMinutes} phút · Clock skewed by ${a.skewMinutes} min`;
    case 'printer':
      return `Máy in: ${a.state} · Printer: ${a.state}`;
    case 'gate':
      return a.state === 'jammed' ? 'Cổng bị kẹt · Gate jammed' : 'Cổng bình thường · Gate freed';
    case 'press':
      return `Bấm "${a.button}" trên màn hình · Press "${a.button}" on the screen`;
    case 'choose-clinic':
      return `Chọn phòng khám ${a.clinic} · Choose clinic ${a.clinic}`;
    case 'enter-can':
      return 'Nhập số CAN · Enter the CAN';
    case 'wait':
      return `Chờ ${a.ms} ms · Wait ${a.ms} ms`;
    case 'sync':
      return 'Chờ gửi hết lên máy chủ · Wait until the registry has every check-in';
  }
}

/** An expectation told in a line: "Chờ · Expect: screen result, decision admitted, face matched". */
export function describeExpectation(e: Expectation): string {
  const parts = Object.entries(e)
    .filter(([k, v]) => k !== 'timeoutMs' && v !== undefined)
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return `Chờ · Expect: ${parts.join(', ')}`;
}

type Snapshot = Awaited<ReturnType<ConsoleSiteLike['snapshot']>>;

/** What of `e` does not hold in `s`: "field: expected X, saw Y" lines (none: it holds). */
export function unmet(e: Expectation, s: Snapshot, base: { checkins: number; registry: number }): string[] {
  const out: string[] = [];
  const check = (field: string, want: unknown, saw: unknown) => {
    if (want !== undefined && JSON.stringify(want) !== JSON.stringify(saw))
      out.push(`${field}: expected ${JSON.stringify(want)}, saw ${JSON.stringify(saw)}`);
  };
  check('screen', e.screen, s.view.screen);
  check('decision', e.decision, s.lastDecision?.decision ?? null);
  if (e.reasons) check('reasons', [...e.reasons].sort(), [...(s.lastDecision?.reasons ?? [])].sort());
  check('face', e.face, s.lastDecision?.face ?? null);
  check('checkins', e.checkins, s.checkins - base.checkins);
  check('queued', e.queued, s.queued);
  check('registry', e.registry, s.registry - base.registry);
  return out;
}

/** Runs `scenario` on `site`, telling each step; rejects at the first step that fails, saying why. */
export async function runLive(site: ConsoleSiteLike, scenario: Scenario, progress: RunProgress): Promise<void> {
  // A scenario starts from a site at rest, as `kiosk sim run` starts each one.
  progress.step(0, scenario.steps.length, 'Đưa điểm về trạng thái ban đầu · Putting the site back at rest');
  await site.reset();
  const first = await site.snapshot();
  const base = { checkins: first.checkins, registry: first.registry };
  const n = scenario.steps.length;
  for (const [i, step] of scenario.steps.entries()) {
    if ('do' in step) {
      progress.step(i + 1, n, describeAction(step));
      await site.apply(step).catch((err: Error) => {
        throw new Error(`step ${i + 1}: ${err.message}`);
      });
      continue;
    }
    const e = step.expect;
    progress.step(i + 1, n, `${step.note ? `${step.note}: ` : ''}${describeExpectation(e)}`);
    const deadline = Date.now() + (e.timeoutMs ?? DEFAULT_EXPECT_MS);
    for (;;) {
      const missing = unmet(e, await site.snapshot(), base);
      if (missing.length === 0) break;
      if (Date.now() > deadline) throw new Error(`step ${i + 1}: ${missing.join('; ')}`);
      await sleep(100);
    }
  }
}
