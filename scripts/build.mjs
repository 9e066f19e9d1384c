#!/usr/bin/env node
// Builds what the Electron app runs into dist/: the shell (main process), the core as a
// utilityProcess entry, the sandboxed preload (CommonJS, as sandboxed preloads must be),
// and the renderer. npm packages stay external; electron-builder ships node_modules.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });

const node = { bundle: true, platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' };
await build({ ...node, format: 'esm', entryPoints: [join(root, 'main/shell/app.ts')], outfile: join(dist, 'main/shell/app.js') });
await build({ ...node, format: 'esm', entryPoints: [join(root, 'main/core/utility-main.ts')], outfile: join(dist, 'main/core/utility-main.js') });
await build({ ...node, format: 'cjs', packages: undefined, external: ['electron'], entryPoints: [join(root, 'main/shell/preload.ts')], outfile: join(dist, 'main/shell/preload.cjs') });
await build({ bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, logLevel: 'warning', entryPoints: [join(root, 'renderer/main.ts')], outfile: join(dist, 'renderer/app.js') });
mkdirSync(join(dist, 'renderer'), { recursive: true });
for (const f of ['index.html', 'styles.css']) copyFileSync(join(root, 'renderer', f), join(dist, 'renderer', f));
process.stderr.write('build: dist/ ready (shell, core, preload, renderer)\n');
