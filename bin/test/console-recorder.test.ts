// What the console records comes back as the same scenario from its YAML; bad files are refused in a line.
import { describe, expect, it } from 'vitest';
import { Recorder } from '../console/recorder.js';
import { parseLoadedScenario as parseScenarioText, scenarioYaml } from '../console/scenario-text.js';
import { ScenarioFileError } from '../sim/scenario-file.js';

describe('the recorder', () => {
  it('keeps the actions, with the screen the kiosk showed before each, and they read back from YAML', () => {
    const r = new Recorder('hospital');
    expect(r.stop()).toBeNull();
    r.start();
    r.add({ do: 'scan-qr', citizen: 1 }, 'idle');
    r.add({ do: 'card-on', citizen: 1, faults: ['cloned'] }, 'waiting-card');
    r.add({ do: 'press', button: 'continue' }, 'insurance');
    r.add({ do: 'press', button: 'confirm' }, 'insurance');
    const s = r.stop(new Date('2026-11-30T03:00:00Z'))!;
    expect(s.steps).toEqual([
      { do: 'scan-qr', citizen: 1 },
      { expect: { screen: 'waiting-card' }, note: 'the kiosk showed waiting-card' },
      { do: 'card-on', citizen: 1, faults: ['cloned'] },
      { expect: { screen: 'insurance' }, note: 'the kiosk showed insurance' },
      { do: 'press', button: 'continue' },
      { do: 'press', button: 'confirm' },
    ]);
    expect(r.active).toBe(false);
    expect(parseScenarioText(scenarioYaml(s))).toEqual(s);
  });

  it('refuses files that are not scenarios, saying where', () => {
    const bad: [string, RegExp][] = [
      ['name: [unclosed', /not valid YAML at line 1/],
      ['name: x\nsite: hospital\nsteps: []', /steps/],
      ['name: x\nsite: school\nsteps: [{do: wait, ms: 1}]', /site/],
      ['name: x\nsite: hospital\nsteps: [{do: explode}]', /explode/],
      ['{"name": "j", "site": "airport", "steps": [{"do": "gate", "state": "melted"}]}', /melted|state/],
    ];
    for (const [text, why] of bad) {
      expect(() => parseScenarioText(text)).toThrow(ScenarioFileError);
      expect(() => parseScenarioText(text)).toThrow(why);
    }
    expect(parseScenarioText('{"name": "j", "site": "airport", "steps": [{"do": "gate", "state": "jammed"}]}').site).toBe('airport');
  });
});
