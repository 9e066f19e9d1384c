// Scenario files (docs/SCENARIOS.md): YAML or JSON, checked against the vocabulary in
// simulator/scenario/steps.ts. A bad file is a typed error naming the file, the step and the
// field in words, so whoever wrote it can find the line to fix.
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { Action, Expectation, Scenario } from '../../simulator/scenario/steps.js';

export type ScenarioFileErrorCode = 'unreadable' | 'syntax' | 'invalid';

export class ScenarioFileError extends Error {
  constructor(
    readonly code: ScenarioFileErrorCode,
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'ScenarioFileError';
  }
}

export interface ScenarioFile {
  file: string;
  scenario: Scenario;
}

/** Larger than any scenario a person writes (500 steps). */
const MAX_BYTES = 512 * 1024;

const ACTIONS = Action.options.map((o) => o.shape.do.value);
const ExpectStep = z.strictObject({ expect: Expectation, note: z.string().max(300).optional() });
const Envelope = Scenario.extend({ steps: z.array(z.unknown()).min(1).max(500) });

export function loadScenarioFile(file: string): ScenarioFile {
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES / 1024} KB`);
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ScenarioFileError('unreadable', file, [`cannot read it: ${(err as Error).message}`]);
  }
  return { file, scenario: parseScenarioText(text, file) };
}

/** Parses a scenario from its text; JSON when the name ends in .json, else YAML. */
export function parseScenarioText(text: string, file: string): Scenario {
  const raw = extname(file).toLowerCase() === '.json' ? parseJson(text, file) : parseYaml(text, file);
  const problems = scenarioProblems(raw);
  if (problems.length) throw new ScenarioFileError('invalid', file, problems);
  return Scenario.parse(raw);
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ScenarioFileError('syntax', file, [`not valid JSON: ${(err as Error).message}`]);
  }
}

function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ScenarioFileError(
      'syntax',
      file,
      doc.errors.slice(0, 5).map((e) => `not valid YAML${e.linePos ? ` at line ${e.linePos[0].line}` : ''}: ${e.message.split('\n')[0]}`),
    );
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

/** Every problem of the scenario, in words: the envelope's fields, then each step's. */
export function scenarioProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const envelope = Envelope.safeParse(raw);
  if (!envelope.success) problems.push(...envelope.error.issues.map((i) => inWords(i, null)));
  const steps = (raw as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) return problems;
  steps.slice(0, 500).forEach((step, i) => {
    const n = i + 1;
    if (typeof step !== 'object' || step === null || Array.isArray(step)) {
      problems.push(`step ${n}: a step is an action ("do: …") or an expectation ("expect: …")`);
      return;
    }
    if ('expect' in step) {
      const r = ExpectStep.safeParse(step);
      if (!r.success) problems.push(...r.error.issues.map((issue) => inWords(issue, n)));
      return;
    }
    const what = (step as { do?: unknown }).do;
    if (typeof what !== 'string' || !(ACTIONS as string[]).includes(what)) {
      problems.push(
        what === undefined
          ? `step ${n}: a step is an action ("do: …") or an expectation ("expect: …")`
          : `step ${n}: unknown action ${JSON.stringify(what)} (one of: ${ACTIONS.join(', ')})`,
      );
      return;
    }
    const r = Action.safeParse(step);
    if (!r.success) problems.push(...r.error.issues.map((issue) => inWords(issue, n, what)));
  });
  return problems;
}

/** "step 3 (card-on), field faults, item 2: Invalid option: expected one of …" (zod's path in words). */
function inWords(issue: z.core.$ZodIssue, step: number | null, action?: string): string {
  // A union (ticket: true, or {clinic, printed}): tell what is wrong inside the branch whose shape fits.
  if (issue.code === 'invalid_union') {
    const fitting = issue.errors.find((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0));
    if (fitting) return inWords({ ...fitting[0]!, path: [...issue.path, ...fitting[0]!.path] }, step, action);
  }
  const where: string[] = [];
  if (step !== null) where.push(`step ${step}${action ? ` (${action})` : ''}`);
  let keys: string[] = [];
  const flush = () => {
    if (keys.length) where.push(`field ${keys.join('.')}`);
    keys = [];
  };
  for (const p of issue.path) {
    if (typeof p === 'number') {
      flush();
      where.push(`item ${p + 1}`);
    } else keys.push(String(p));
  }
  flush();
  if (issue.code === 'unrecognized_keys') return `${where.join(', ') || 'the scenario'}: unknown field(s) ${issue.keys.join(', ')}`;
  return `${where.join(', ') || 'the scenario'}: ${issue.message}`;
}
