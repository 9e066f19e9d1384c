// Runs a scenario (simulator/scenario/steps.ts) against a simulated site, step by step: an
// action is applied, an expectation is waited for (bounded) until every field holds at once,
// else it fails with what was expected and what was there, field by field. The first step
// that fails or errs ends the scenario; the site is left as it was for a look.
import type { Logger } from '../../main/core/logger.js';
import type { Action, Expectation, Scenario, Step } from '../../simulator/scenario/steps.js';
import type { SimFaceOptions } from '../../simulator/site-data.js';
import { SimError, startSimSite, type SimSite, type SimSnapshot } from './site.js';

export interface FieldDiff {
  field: keyof Expectation;
  expected: unknown;
  actual: unknown;
}

export type StepOutcome =
  | { index: number; step: Step; status: 'ok'; ms: number }
  | { index: number; step: Step; status: 'failed'; ms: number; diff: FieldDiff[] }
  | { index: number; step: Step; status: 'error'; ms: number; code: string; message: string };

export interface ScenarioResult {
  name: string;
  site: Scenario['site'];
  passed: boolean;
  ms: number;
  steps: StepOutcome[];
  /** Steps not run after the one that failed. */
  skipped: number;
  /** The site could not be had (start failed, another kind given). */
  problem: string | null;
}

export interface RunOptions {
  /** Run on this site (reset first) instead of a fresh one started and stopped for the scenario. */
  site?: SimSite;
  seed?: string;
  log?: Logger;
  onStep?: (o: StepOutcome) => void;
}

const DEFAULT_EXPECT_MS = 15_000;

export function faceOptions(s: Scenario): SimFaceOptions {
  const f = s.face ?? {};
  return {
    ...(f.required !== undefined ? { required: f.required } : {}),
    ...(f.liveness ? { liveness: f.liveness } : {}),
    ...(f.waitSeconds ? { faceMs: f.waitSeconds * 1000 } : {}),
  };
}

export async function runScenario(scenario: Scenario, o: RunOptions = {}): Promise<ScenarioResult> {
  const t0 = performance.now();
  const result = (steps: StepOutcome[], problem: string | null): ScenarioResult => ({
    name: scenario.name,
    site: scenario.site,
    passed: problem === null && steps.length === scenario.steps.length && steps.every((s) => s.status === 'ok'),
    ms: Math.round(performance.now() - t0),
    steps,
    skipped: scenario.steps.length - steps.length,
    problem,
  });
  let site: SimSite;
  try {
    if (o.site) {
      if (o.site.kind !== scenario.site)
        return result([], `the scenario is for a ${scenario.site} site, the site given is a ${o.site.kind} site`);
      site = o.site;
      await site.reset();
      await site.configureFace(faceOptions(scenario));
    } else {
      site = await startSimSite({
        kind: scenario.site,
        face: faceOptions(scenario),
        ...(o.seed ? { seed: o.seed } : {}),
        ...(o.log ? { log: o.log } : {}),
      });
    }
  } catch (err) {
    return result([], (err as Error).message);
  }
  try {
    const base = await site.snapshot();
    const steps: StepOutcome[] = [];
    for (const [index, step] of scenario.steps.entries()) {
      const outcome = await runStep(site, step, index, base);
      steps.push(outcome);
      o.onStep?.(outcome);
      if (outcome.status !== 'ok') break;
    }
    return result(steps, null);
  } finally {
    if (!o.site) await site.stop();
  }
}

async function runStep(site: SimSite, step: Step, index: number, base: SimSnapshot): Promise<StepOutcome> {
  const t = performance.now();
  const ms = () => Math.round(performance.now() - t);
  if ('expect' in step) {
    const timeoutMs = step.expect.timeoutMs ?? DEFAULT_EXPECT_MS;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let diff: FieldDiff[];
      try {
        diff = compare(step.expect, await site.snapshot(), base);
      } catch (err) {
        return { index, step, status: 'error', ms: ms(), code: 'snapshot', message: (err as Error).message };
      }
      if (diff.length === 0) return { index, step, status: 'ok', ms: ms() };
      if (Date.now() >= deadline) return { index, step, status: 'failed', ms: ms(), diff };
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    await site.apply(step as Action);
    return { index, step, status: 'ok', ms: ms() };
  } catch (err) {
    const code = err instanceof SimError ? err.code : 'unexpected';
    return { index, step, status: 'error', ms: ms(), code, message: (err as Error).message };
  }
}

/** What the expectation asks of this snapshot, as seen since the scenario began (`base`). */
export function actualOf(field: keyof Expectation, s: SimSnapshot, base: SimSnapshot): unknown {
  // A decision counts only when it was made in this scenario.
  const last = s.checkins > base.checkins ? s.lastDecision : null;
  switch (field) {
    case 'screen':
      return s.view.screen;
    case 'notice':
      return s.view.notice;
    case 'decision':
      return last?.decision ?? null;
    case 'reasons':
      return last ? [...last.reasons].sort() : null;
    case 'face':
      return last?.face ?? null;
    case 'ticket':
      // No decision yet: null; a decision without a ticket: false.
      return last ? (last.ticket ? { clinic: last.ticket.clinic, printed: last.ticket.printed } : false) : null;
    case 'gate':
      return last?.gate ? (last.gate.opened ? 'opened' : 'not-opened') : null;
    case 'checkins':
      return s.checkins - base.checkins;
    case 'queued':
      return s.queued;
    case 'registry':
      return s.registry - base.registry;
    case 'timeoutMs':
      return undefined;
  }
}

export function compare(e: Expectation, s: SimSnapshot, base: SimSnapshot): FieldDiff[] {
  const diff: FieldDiff[] = [];
  for (const field of Object.keys(e) as (keyof Expectation)[]) {
    if (field === 'timeoutMs' || e[field] === undefined) continue;
    const expected = e[field];
    const actual = actualOf(field, s, base);
    if (!holds(field, expected, actual)) diff.push({ field, expected: field === 'reasons' ? [...e.reasons!].sort() : expected, actual });
  }
  return diff;
}

function holds(field: keyof Expectation, expected: unknown, actual: unknown): boolean {
  if (field === 'reasons') return JSON.stringify([...(expected as string[])].sort()) === JSON.stringify(actual);
  if (field === 'ticket') {
    if (actual === null) return false;
    const t = actual === false ? null : (actual as { clinic: string; printed: boolean });
    if (typeof expected === 'boolean') return (t?.printed ?? false) === expected;
    const want = expected as { clinic?: string; printed?: boolean };
    if (!t) return want.printed === false && want.clinic === undefined;
    return (want.clinic === undefined || want.clinic === t.clinic) && (want.printed === undefined || want.printed === t.printed);
  }
  return expected === actual;
}
