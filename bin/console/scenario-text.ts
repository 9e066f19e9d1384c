// Scenario files as text: YAML (or JSON, which YAML reads too) in, checked against the step
// vocabulary (simulator/scenario/steps.ts); a recording out as YAML for `kiosk sim run`.
import { parse, stringify, YAMLParseError } from 'yaml';
import { Scenario } from '../../simulator/scenario/steps.js';

/** A scenario file that does not parse or does not fit the vocabulary: the line says where. */
export class ScenarioTextError extends Error {
  override readonly name = 'ScenarioTextError';
}

export function parseScenarioText(text: string): Scenario {
  let data: unknown;
  try {
    // Aliases are refused outright: a small file must not expand into a huge one.
    data = parse(text, { maxAliasCount: 0, prettyErrors: true });
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` (line ${err.linePos[0].line})` : '';
    throw new ScenarioTextError(`not a YAML or JSON file${where}: ${(err as Error).message.split('\n')[0]}`);
  }
  const r = Scenario.safeParse(data);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new ScenarioTextError(`not a scenario: ${first ? `${first.path.join('.') || 'the file'}: ${first.message}` : 'invalid'}`);
  }
  return r.data;
}

export function scenarioYaml(s: Scenario): string {
  return `# A scenario recorded in the technician console; replay it with: kiosk sim run FILE\n${stringify(s, { lineWidth: 120 })}`;
}
