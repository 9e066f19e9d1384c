// Scenario files: YAML and JSON read alike; a bad file names the step and the field in
// words; the vocabulary keeps up with the simulator's faults and camera subjects; every
// shipped scenario parses, with the "try this" names the console lists.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CAMERA_SUBJECTS } from '../../simulator/camera-clip.js';
import { FAULTS } from '../../simulator/card.js';
import { Screen } from '../../main/api/contract.js';
import { CameraSubject, ChipFault, Expectation } from '../../simulator/scenario/steps.js';
import { loadScenarioFile, parseScenarioText, ScenarioFileError } from '../sim/scenario-file.js';
import { compare } from '../sim/scenario-runner.js';
import type { SimSnapshot } from '../sim/site.js';

const tmp = mkdtempSync(join(tmpdir(), 'scenario-file-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const problems = (text: string, name = 'x.yaml'): string[] => {
  try {
    parseScenarioText(text, name);
  } catch (err) {
    if (err instanceof ScenarioFileError) return err.problems;
    throw err;
  }
  return [];
};

describe('scenario files', () => {
  it('reads YAML and JSON alike', () => {
    const yaml =
      'name: a\nsite: airport\nsteps:\n  - do: card-on\n    citizen: 3\n    faults: [cloned]\n  - expect: { decision: refused }\n';
    const json = JSON.stringify({
      name: 'a',
      site: 'airport',
      steps: [{ do: 'card-on', citizen: 3, faults: ['cloned'] }, { expect: { decision: 'refused' } }],
    });
    writeFileSync(join(tmp, 'a.yaml'), yaml);
    writeFileSync(join(tmp, 'a.json'), json);
    expect(loadScenarioFile(join(tmp, 'a.yaml')).scenario).toEqual(loadScenarioFile(join(tmp, 'a.json')).scenario);
  });

  it('names the step and the field of every problem', () => {
    const p = problems(
      [
        'name: bad',
        'site: hospital',
        'steps:',
        '  - do: card-on',
        '    citizen: 1',
        '    faults: [cloned, nonsense]',
        '  - do: fly',
        '  - expect: { ticket: { clinic: 5 } }',
        '  - expect: { decision: admitted, colour: red }',
        '  - 42',
      ].join('\n'),
    );
    expect(p).toEqual([
      expect.stringMatching(/^step 1 \(card-on\), field faults, item 2: .*expected one of/),
      expect.stringMatching(/^step 2: unknown action "fly" \(one of: card-on, /),
      expect.stringMatching(/^step 3, field expect\.ticket\.clinic: .*expected string/),
      'step 4, field expect: unknown field(s) colour',
      expect.stringMatching(/^step 5: a step is an action/),
    ]);
    expect(problems('name: x\nsite: mall\nsteps: []\n')).toEqual([
      expect.stringMatching(/^field site: /),
      expect.stringMatching(/^field steps: /),
    ]);
  });

  it('says where YAML and JSON are broken, and that a file is missing', () => {
    expect(problems('name: [unclosed\n')[0]).toMatch(/^not valid YAML at line \d+/);
    expect(problems('{"name": ', 'x.json')[0]).toMatch(/^not valid JSON/);
    expect(() => loadScenarioFile(join(tmp, 'missing.yaml'))).toThrow(/missing\.yaml: cannot read it/);
  });

  it('makes kiosk sim run exit 2 on a bad file, running nothing', () => {
    writeFileSync(join(tmp, 'bad.yaml'), 'name: bad\nsite: hospital\nsteps:\n  - do: fly\n');
    const kiosk = fileURLToPath(new URL('../kiosk', import.meta.url));
    const r = spawnSync(kiosk, ['sim', 'run', join(tmp, 'bad.yaml')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\n  step 1: unknown action "fly"/);
    expect(r.stdout).toBe('');
  });

  it('keeps the vocabulary equal to the simulator and to the kiosk screens', () => {
    expect([...ChipFault.options]).toEqual([...FAULTS]);
    expect([...CameraSubject.options]).toEqual([...CAMERA_SUBJECTS]);
    expect([...Expectation.shape.screen.unwrap().options]).toEqual([...Screen.options]);
  });

  it('ships a library that parses, each scenario explained, with the try-this names', () => {
    const dir = fileURLToPath(new URL('../../simulator/scenarios/', import.meta.url));
    const all = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => loadScenarioFile(join(dir, f)).scenario);
    expect(all.every((s) => (s.about ?? '').length > 40)).toBe(true);
    const names = all.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(["A patient's visit", "A passenger's boarding", 'A cloned chip', 'A face mismatch', 'An outage']),
    );
    expect(new Set(names).size).toBe(names.length);
    // Every chip fault is shown by some scenario.
    const faults = new Set(all.flatMap((s) => s.steps.flatMap((st) => ('do' in st && st.do === 'card-on' ? (st.faults ?? []) : []))));
    expect([...faults].sort()).toEqual([...FAULTS].sort());
  });
});

describe('expectations', () => {
  const snap = (o: Partial<SimSnapshot>): SimSnapshot =>
    ({ view: { screen: 'result', notice: null }, checkins: 0, queued: 0, registry: 0, lastDecision: null, ...o }) as SimSnapshot;
  const base = snap({});
  const decided = snap({
    checkins: 1,
    registry: 1,
    lastDecision: {
      at: '',
      decision: 'admitted',
      reasons: [],
      face: 'matched',
      ticket: { number: 'K001', clinic: 'noi', printed: false },
      gate: null,
    },
  });

  it('hold on what happened since the scenario began', () => {
    expect(compare({ decision: 'admitted', checkins: 1, registry: 1, ticket: { clinic: 'noi' } }, decided, base)).toEqual([]);
    expect(compare({ ticket: false }, decided, base)).toEqual([]);
    // A decision made before the scenario began is not this scenario's.
    expect(compare({ decision: 'admitted' }, decided, decided)).toEqual([{ field: 'decision', expected: 'admitted', actual: null }]);
  });

  it('give a diff per field that does not hold', () => {
    expect(compare({ screen: 'idle', reasons: ['b', 'a'], ticket: true, face: 'matched' }, decided, base)).toEqual([
      { field: 'screen', expected: 'idle', actual: 'result' },
      { field: 'reasons', expected: ['a', 'b'], actual: [] },
      { field: 'ticket', expected: true, actual: { clinic: 'noi', printed: false } },
    ]);
  });
});
