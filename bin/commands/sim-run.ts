// `kiosk sim run FILE…`: runs scenario files headless against the real stack (a private
// pcscd, the embedded registry, the kiosk engine) and prints a pass/fail table with diffs.
import { relative } from 'node:path';
import { silentLogger } from '../../main/core/logger.js';
import { CliError, EXIT_ERROR, EXIT_OK, printJson, type Command } from '../command.js';
import { loadScenarioFile, ScenarioFileError, type ScenarioFile } from '../sim/scenario-file.js';
import { runScenario, type ScenarioResult } from '../sim/scenario-runner.js';
import { resultTable } from '../sim/scenario-report.js';
import { startSimSite, type SimSite } from '../sim/site.js';

const EXIT_BAD_FILE = 2;

export const simRun: Command = {
  name: 'sim run',
  summary: 'run scenario files (YAML or JSON) against a simulated site and print pass/fail',
  help: `
Usage: kiosk sim run FILE… [--fresh] [--json]

  Runs each scenario (docs/SCENARIOS.md; a library in simulator/scenarios/) headless against
  the real stack: a private pcscd with virtual readers, the embedded registry, the virtual
  scanner, printer or gate, a looping camera, and the kiosk engine. Prints a table of the
  results and, for each scenario that failed, the step and what was expected against what
  was there. Progress goes to stderr.

  --fresh   a new simulated site for every scenario (default: one per site kind, reset
            between scenarios: cards off, network and clock back, printer and gate ready)
  --json    one object: {"passed","failed","scenarios":[{"file","name","site","passed",
            "ms","steps":[…],"skipped","problem"}]}

Exit status: 0 all passed, 1 some failed, 2 a file is not a valid scenario (none is run).`,
  options: { fresh: { type: 'boolean' } },
  allowPositionals: true,
  async run(ctx) {
    if (ctx.positionals.length === 0) throw new CliError('name at least one scenario file (see: kiosk sim run --help)');
    const say = (line: string) => process.stderr.write(`${line}\n`);
    const files: ScenarioFile[] = [];
    const bad: string[] = [];
    for (const f of ctx.positionals) {
      try {
        files.push(loadScenarioFile(f));
      } catch (err) {
        if (!(err instanceof ScenarioFileError)) throw err;
        bad.push(`${err.file}:`, ...err.problems.map((p) => `  ${p}`));
      }
    }
    if (bad.length) {
      if (ctx.json) printJson({ passed: 0, failed: 0, invalid: bad });
      say(['Not a valid scenario / kịch bản không hợp lệ:', ...bad].join('\n'));
      return EXIT_BAD_FILE;
    }
    const fresh = ctx.values['fresh'] === true;
    const log = silentLogger();
    const results = new Map<ScenarioFile, ScenarioResult>();
    // One site at a time in a process (pcscd): every hospital scenario, then every airport one.
    for (const kind of ['hospital', 'airport'] as const) {
      const mine = files.filter((f) => f.scenario.site === kind);
      if (mine.length === 0) continue;
      let site: SimSite | null = null;
      try {
        if (!fresh) {
          say(`Starting a simulated ${kind}…`);
          site = await startSimSite({ kind, log });
        }
        for (const f of mine) {
          say(`[${results.size + 1}/${files.length}] ${f.scenario.name} (${relative('.', f.file)})…`);
          const r = await runScenario(f.scenario, {
            log,
            ...(site ? { site } : {}),
            onStep: (o) => {
              if (o.status !== 'ok') say(`  step ${o.index + 1}: ${o.status}`);
            },
          });
          say(`  ${r.passed ? 'PASS' : 'FAIL'} in ${(r.ms / 1000).toFixed(1)} s`);
          results.set(f, r);
        }
      } catch (err) {
        // The site itself would not start: every scenario of this kind fails with that.
        for (const f of mine)
          if (!results.has(f))
            results.set(f, {
              name: f.scenario.name,
              site: kind,
              passed: false,
              ms: 0,
              steps: [],
              skipped: f.scenario.steps.length,
              problem: (err as Error).message,
            });
      } finally {
        await site?.stop();
      }
    }
    const rows = files.map((f) => ({ file: relative('.', f.file), result: results.get(f)! }));
    const passed = rows.filter((r) => r.result.passed).length;
    if (ctx.json) printJson({ passed, failed: rows.length - passed, scenarios: rows.map((r) => ({ file: r.file, ...r.result })) });
    else process.stdout.write(resultTable(rows));
    return passed === rows.length ? EXIT_OK : EXIT_ERROR;
  },
};
