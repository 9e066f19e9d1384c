// Every scenario shipped in simulator/scenarios/ passes against the real stack, through the
// same runner as `kiosk sim run`: one simulated site per kind, reset between scenarios (each
// scenario uses its own citizens, so a passenger boards once a day). And a scenario whose
// expectation is wrong fails with a diff naming the field, what was expected and what was there.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureLines } from '../sim/scenario-report.js';
import { loadScenarioFile } from '../sim/scenario-file.js';
import { runScenario } from '../sim/scenario-runner.js';
import { startSimSite, type SimSite } from '../sim/site.js';

const dir = fileURLToPath(new URL('../../simulator/scenarios/', import.meta.url));
const library = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => loadScenarioFile(join(dir, f)));

for (const kind of ['hospital', 'airport'] as const) {
  describe(`the ${kind} scenarios`, () => {
    let site: SimSite;
    beforeAll(async () => {
      site = await startSimSite({ kind });
    }, 60_000);
    afterAll(async () => {
      await site?.stop();
    });

    it('has shipped scenarios to run', () => {
      expect(library.filter((s) => s.scenario.site === kind).length).toBeGreaterThan(0);
    });

    for (const { file, scenario } of library.filter((s) => s.scenario.site === kind)) {
      it(`${scenario.name} (${file.split('/').pop()})`, async () => {
        const r = await runScenario(scenario, { site });
        expect(r.passed, failureLines(r).join('\n')).toBe(true);
      }, 60_000);
    }

    if (kind === 'airport')
      it('fails a wrong expectation with a diff of the field', async () => {
        const r = await runScenario(
          {
            name: 'wrong on purpose',
            site: 'airport',
            steps: [
              { do: 'scan-pass', citizen: 50 },
              { do: 'scan-qr', citizen: 50 },
              { do: 'card-on', citizen: 50 },
              { expect: { decision: 'admitted', gate: 'opened' } },
              { expect: { decision: 'refused', reasons: ['flight-not-found'], timeoutMs: 300 } },
              { do: 'card-off' },
            ],
          },
          { site },
        );
        expect(r.passed).toBe(false);
        expect(r.skipped).toBe(1);
        const failed = r.steps[4]!;
        expect(failed.status).toBe('failed');
        expect(failed.status === 'failed' && failed.diff).toEqual([
          { field: 'decision', expected: 'refused', actual: 'admitted' },
          { field: 'reasons', expected: ['flight-not-found'], actual: [] },
        ]);
        expect(failureLines(r).join('\n')).toMatch(/decision: expected \/ mong đợi "refused", actual \/ thực tế "admitted"/);
      }, 60_000);
  });
}
