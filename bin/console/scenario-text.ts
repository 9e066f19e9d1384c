// Scenario files as text in the console: a file the technician loads is read by the same
// parser as `kiosk sim run`'s (bin/sim/scenario-file.ts; YAML, which reads JSON too); a
// recording goes out as YAML that `kiosk sim run` replays.
import { stringify } from 'yaml';
import type { Scenario } from '../../simulator/scenario/steps.js';
import { parseScenarioText } from '../sim/scenario-file.js';

/** A loaded scenario, or a ScenarioFileError naming the step and the field in words. */
export function parseLoadedScenario(text: string, name = 'the file'): Scenario {
  return parseScenarioText(text, name);
}

export function scenarioYaml(s: Scenario): string {
  return `# A scenario recorded in the technician console; replay it with: kiosk sim run FILE\n${stringify(s, { lineWidth: 120 })}`;
}
