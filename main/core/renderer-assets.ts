// The renderer as static assets for the browser transport: index.html, styles.css and one
// bundled app.js. From a build (scripts/build.mjs), the files it wrote to dist/renderer/;
// from the sources, app.js bundled by esbuild in memory at start (about 50 ms), loaded only
// then: a built kiosk never loads esbuild.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface Asset {
  contentType: string;
  body: Buffer;
}

/** Defined by scripts/build.mjs in a bundle: the dist/ folder, relative to the bundle. */
declare const KIOSK_DIST: string | undefined;

export function loadRendererAssets(): Promise<Map<string, Asset>> {
  return typeof KIOSK_DIST === 'string' ? builtAssets(fileURLToPath(new URL(KIOSK_DIST + 'renderer/', import.meta.url))) : sourceAssets();
}

async function builtAssets(dir: string): Promise<Map<string, Asset>> {
  const app = await readFile(dir + 'app.js').catch(() => {
    throw new Error(`the built renderer is missing from ${dir}: run npm run build`);
  });
  return assets(dir, app);
}

async function sourceAssets(): Promise<Map<string, Asset>> {
  const dir = fileURLToPath(new URL('../../renderer/', import.meta.url));
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [dir + 'main.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: false,
    minify: true,
    // The UI's components are Preact JSX (the same settings as scripts/build.mjs).
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0];
  if (!js) throw new Error('renderer bundle produced no output');
  return assets(dir, Buffer.from(js.contents));
}

async function assets(dir: string, app: Buffer): Promise<Map<string, Asset>> {
  const map = new Map<string, Asset>();
  map.set('/', { contentType: 'text/html; charset=utf-8', body: await readFile(dir + 'index.html') });
  map.set('/styles.css', { contentType: 'text/css; charset=utf-8', body: await readFile(dir + 'styles.css') });
  map.set('/app.js', { contentType: 'text/javascript; charset=utf-8', body: app });
  return map;
}
