// The console's view of a site, over a stand-in site: the snapshot as the panel shows it, the
// events told as lines (a screen once, not at every progress step), the scenario library with
// the try-this five first and a broken file left out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { siteBackend, type ConsoleSiteLike, type SiteEventLike } from '../console/site-backend.js';
import { parseLoadedScenario, scenarioYaml } from '../console/scenario-text.js';
import type { ConsoleEvent } from '../../simulator/console-page/protocol.js';
import type { CheckinView, DeviceStatus, KioskStatus } from '../../main/api/contract.js';

const dir = mkdtempSync(join(tmpdir(), 'console-backend-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const view = (screen: CheckinView['screen'], read = 0) =>
  ({ screen, notice: null, progress: read ? { read, total: 9 } : null }) as unknown as CheckinView;
const devices: DeviceStatus = {
  reader: 'connected',
  scanner: 'connected',
  camera: 'connected',
  printer: 'paper-out',
  gate: 'missing',
  registry: 'missing',
};

function fakeSite() {
  const listeners = new Set<(e: SiteEventLike) => void>();
  let screen: CheckinView['screen'] = 'idle';
  const site: ConsoleSiteLike & { emit(e: SiteEventLike): void; screen: CheckinView['screen'] } = {
    kind: 'hospital',
    seed: 'cccd',
    apply: async () => undefined,
    reset: async () => undefined,
    async snapshot() {
      return {
        view: view(screen),
        devices,
        status: { sync: { oldestUnsyncedAgeMs: 2500 } } as unknown as KioskStatus,
        queued: 1,
        lastDecision: { decision: 'refused', reasons: ['chip-cloned'], face: 'not-checked' },
        checkins: 2,
        registry: 1,
        network: 'cut',
        clockSkewMinutes: -30,
        cards: [{ citizen: 4, faults: ['cloned', 'not-a-fault'] }, null],
        camera: { subject: 'print', citizen: null },
        printer: 'paper-out',
        gate: null,
      };
    },
    on(_name, l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit: (e) => listeners.forEach((l) => l(e)),
    get screen() {
      return screen;
    },
    set screen(s) {
      screen = s;
    },
  };
  return site;
}

describe("the console's site backend", () => {
  it('maps the snapshot, tells events as lines, and lists the scenarios with the try-this five first', async () => {
    const scenario = (name: string, site = 'hospital') =>
      scenarioYaml({ name, site: site as 'hospital', about: `about ${name}`, steps: [{ do: 'wait', ms: 1 }] });
    writeFileSync(join(dir, 'zz-extra.yaml'), scenario('Extra'));
    writeFileSync(join(dir, 'outage.yaml'), scenario('An outage'));
    writeFileSync(join(dir, 'patient-visit.yaml'), scenario("A patient's visit"));
    writeFileSync(join(dir, 'passenger-boarding.yaml'), scenario("A passenger's boarding", 'airport'));
    writeFileSync(join(dir, 'broken.yaml'), 'name: [');
    const site = fakeSite();
    const backend = await siteBackend({
      site,
      scenarioDir: dir,
      parseScenario: (t) => parseLoadedScenario(t),
      toYaml: scenarioYaml,
      run: async () => undefined,
    });
    expect(backend.scenarios().map((s) => [s.file, s.featured, s.site])).toEqual([
      ['patient-visit.yaml', true, 'hospital'],
      ['passenger-boarding.yaml', true, 'airport'],
      ['outage.yaml', true, 'hospital'],
      ['zz-extra.yaml', false, 'hospital'],
    ]);
    expect(backend.snapshot()).toEqual({
      screen: 'idle',
      readers: [{ citizen: 4, faults: ['cloned'] }, null],
      camera: { subject: 'print', citizen: null },
      network: 'cut',
      clockSkewMinutes: -30,
      printer: 'paper-out',
      gate: null,
      // A hospital has no gate: not shown as missing.
      devices: { reader: 'connected', scanner: 'connected', camera: 'connected', printer: 'paper-out', registry: 'missing' },
      outbox: { queued: 1, oldestAgeMs: 2500 },
      checkins: 2,
      inRegistry: 1,
      registry: null,
      decision: { decision: 'refused', reasons: ['chip-cloned'], face: 'not-checked' },
    });

    const lines: ConsoleEvent[] = [];
    let changes = 0;
    backend.subscribe({ changed: () => changes++, event: (e) => lines.push(e) });
    site.screen = 'reading';
    site.emit({ type: 'view', view: view('reading', 1) });
    site.emit({ type: 'view', view: view('reading', 2) });
    site.emit({ type: 'apdu', reader: 0, line: '00 A4 04 0C  SELECT  → 9000' });
    site.emit({ type: 'sync', answer: { sent: 2, accepted: 2, duplicate: 0, rejected: 0 }, online: true, queued: 0, lastError: null });
    site.emit({ type: 'problem', code: 'card', message: 'the kiosk did not see the card' });
    await backend.refresh();
    expect(lines.map((l) => `${l.kind} ${l.text}`)).toEqual([
      'view reading',
      'apdu [0] 00 A4 04 0C  SELECT  → 9000',
      'registry accepted 2, duplicate 0, rejected 0 of 2; 0 queued',
      'problem card: the kiosk did not see the card',
    ]);
    expect(changes).toBeGreaterThan(0);
    expect(backend.snapshot()).toMatchObject({
      screen: 'reading',
      registry: { text: 'accepted 2, duplicate 0, rejected 0 of 2; 0 queued' },
    });
    const people = await backend.citizens();
    expect(people).toHaveLength(12);
    expect(people[0]).toMatchObject({ index: 0, flight: null, idNumber: expect.stringMatching(/^\d{12}$/) });
  });
});
