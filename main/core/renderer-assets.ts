// The renderer as static assets for the browser transport: index.html, styles.css and one
// bundled app.js (esbuild, in memory, at start: about 50 ms). The Electron build bundles the
// same entry to files instead (scripts/build.mjs).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface Asset {
  contentType: string;
  body: Buffer;
}

const rendererDir = fileURLToPath(new URL('../../renderer/', import.meta.url));

export async function loadRendererAssets(): Promise<Map<string, Asset>> {
  const bundle = await build({
    entryPoints: [rendererDir + 'main.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: false,
    minify: true,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0];
  if (!js) throw new Error('renderer bundle produced no output');
  const assets = new Map<string, Asset>();
  assets.set('/', { contentType: 'text/html; charset=utf-8', body: await readFile(rendererDir + 'index.html') });
  assets.set('/styles.css', { contentType: 'text/css; charset=utf-8', body: await readFile(rendererDir + 'styles.css') });
  assets.set('/app.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from(js.contents) });
  return assets;
}
