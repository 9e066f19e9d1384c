#!/usr/bin/env node
// `npm run build`: bundles everything a kiosk runs into dist/ (or --out DIR), so the built
// kiosk needs neither tsx nor esbuild at run time:
//   main/shell/app.js          the Electron shell (main process)
//   main/shell/preload.cjs     the sandboxed preload (CommonJS, as sandboxed preloads must be)
//   main/core/utility-main.js  the core as the shell's utilityProcess
//   main/core/node-main.js     the core as a plain Node process serving the UI on loopback
//   models/face-worker.js      the face worker thread
//   renderer/                  index.html, styles.css, app.js
// npm packages stay external (native addons; electron-builder ships node_modules). Each
// bundle gets KIOSK_DIST, the dist folder relative to itself, by which code finds the
// built renderer and face worker instead of building or loading TypeScript. The face models
// are not copied: the built kiosk reads the models/ folder of the package root dist/ sits in,
// or KIOSK_MODELS_DIR (models/manifest.ts).
//
// A production build holds no code of simulator/, registry/ or bin/, and no bundle may
// import tsx or esbuild: the build fails if one does.
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const defaultOut = join(root, 'dist');
const out = values.out ? resolve(values.out) : defaultOut;
const MARKER = '.kiosk-build';

// Never empty a folder this build did not make.
if (root === out || root.startsWith(out + sep)) fail(`--out ${out} would hold the repository`);
if (out !== defaultOut && existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, MARKER)))
  fail(`--out ${out} is not empty and is not a previous build`);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, MARKER), 'made by scripts/build.mjs; emptied by the next build\n');

const FORBIDDEN_SOURCES = ['simulator/', 'registry/', 'bin/'];
const FORBIDDEN_PACKAGES = /^(tsx|esbuild)(\/|$)/;

/** Bundles one Node entry (ESM unless said) with KIOSK_DIST and checks what went in. */
async function nodeBundle(entry, outfile, extra = {}) {
  const file = join(out, outfile);
  const toDist = relative(dirname(file), out).split(sep).join('/');
  const result = await build({
    entryPoints: [join(root, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    // Syntax only (names and layout stay readable): drops the branches for the sources.
    minifySyntax: true,
    define: { KIOSK_DIST: JSON.stringify(toDist ? `${toDist}/` : './') },
    metafile: true,
    logLevel: 'warning',
    ...extra,
  });
  for (const input of Object.keys(result.metafile.inputs)) {
    if (FORBIDDEN_SOURCES.some((f) => input.startsWith(f)))
      fail(`${outfile} would contain ${input}: production bundles hold no simulator, registry or command-line code`);
  }
  for (const output of Object.values(result.metafile.outputs)) {
    for (const i of output.imports)
      if (i.external && FORBIDDEN_PACKAGES.test(i.path))
        fail(`${outfile} imports ${i.path}: the built kiosk must run without tsx and esbuild`);
  }
}

process.chdir(root); // metafile paths are relative to the working folder
await nodeBundle('main/shell/app.ts', 'main/shell/app.js');
await nodeBundle('main/shell/preload.ts', 'main/shell/preload.cjs', { format: 'cjs', packages: undefined, external: ['electron'] });
await nodeBundle('main/core/utility-main.ts', 'main/core/utility-main.js');
await nodeBundle('main/core/node-main.ts', 'main/core/node-main.js');
await nodeBundle('models/face-worker.ts', 'models/face-worker.js');
await build({
  bundle: true,
  platform: 'browser',
  target: 'chrome120',
  format: 'iife',
  minify: true,
  // The UI's components are Preact JSX (the same settings as main/core/renderer-assets.ts).
  jsx: 'automatic',
  jsxImportSource: 'preact',
  logLevel: 'warning',
  entryPoints: [join(root, 'renderer/main.ts')],
  outfile: join(out, 'renderer/app.js'),
});
for (const f of ['index.html', 'styles.css']) copyFileSync(join(root, 'renderer', f), join(out, 'renderer', f));

const kb = (f) => `${Math.ceil(statSync(join(out, f)).size / 1024)} KB`;
process.stderr.write(
  `build: ${relative(process.cwd(), out) || out}/ ready: shell (${kb('main/shell/app.js')}), preload, core for Electron (${kb('main/core/utility-main.js')}) and for Node (${kb('main/core/node-main.js')}), face worker (${kb('models/face-worker.js')}), renderer (${kb('renderer/app.js')})\n`,
);

function fail(why) {
  process.stderr.write(`build: ${why}\n`);
  process.exit(1);
}
