// Running a scenario live on the site the technician watches: each step is told (in
// Vietnamese and English) as it starts; the scenario runner of `kiosk sim run` does the steps
// and says, field by field, what did not hold.
import type { Action, Expectation, Scenario, Step } from '../../simulator/scenario/steps.js';
import { runScenario } from '../sim/scenario-runner.js';
import { failureLines } from '../sim/scenario-report.js';
import type { SimSite } from '../sim/site.js';
import type { SimFaceOptions } from '../../simulator/site-data.js';
import type { RunProgress } from './server.js';

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

/** The step told as it starts. */
function tellStep(step: Step): string {
  return 'do' in step ? describeAction(step) : `${step.note ? `${step.note}: ` : ''}${describeExpectation(step.expect)}`;
}

/**
 * Runs `scenario` live on `site` with the scenario runner (`kiosk sim run`'s, so a run here
 * means what it means there), telling each step as it starts; rejects at the first step that
 * fails, with the runner's diff.
 */
export async function runLive(site: SimSite, scenario: Scenario, progress: RunProgress, face: SimFaceOptions = {}): Promise<void> {
  const n = scenario.steps.length;
  // The runner puts the site back at rest first, as `kiosk sim run` starts each scenario.
  progress.step(0, n, 'Đưa điểm về trạng thái ban đầu · Putting the site back at rest');
  let told = -1;
  const tell = (i: number) => {
    if (i >= n || i <= told) return;
    told = i;
    progress.step(i + 1, n, tellStep(scenario.steps[i]!));
  };
  tell(0);
  let result;
  try {
    result = await runScenario(scenario, {
      site,
      onStep: (o) => {
        if (o.status === 'ok') tell(o.index + 1);
      },
    });
  } finally {
    // The scenario may have changed the face step (its `face:`): the site's own comes back.
    await site.configureFace(face).catch(() => undefined);
  }
  if (!result.passed)
    throw new Error(
      failureLines(result)
        .map((l) => l.trim())
        .join(' ')
        .slice(0, 480),
    );
}
