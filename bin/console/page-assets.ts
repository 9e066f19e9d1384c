// The console's page as static assets: index.html, styles.css and app.js, bundled from
// simulator/console-page/ by esbuild in memory at start (as main/core/renderer-assets.ts does
// for the kiosk UI from the sources). Only `kiosk start --simulator` loads it: no kiosk build has it.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface PageAsset {
  contentType: string;
  body: Buffer;
}

const PAGE_DIR = fileURLToPath(new URL('../../simulator/console-page/', import.meta.url));

export async function loadConsoleAssets(): Promise<Map<string, PageAsset>> {
  const { build } = await import('esbuild');
  const bundle = await build({
    entryPoints: [PAGE_DIR + 'main.tsx'],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0];
  if (!js) throw new Error('the console page bundle produced no output');
  return new Map([
    ['/', { contentType: 'text/html; charset=utf-8', body: await readFile(PAGE_DIR + 'index.html') }],
    ['/styles.css', { contentType: 'text/css; charset=utf-8', body: await readFile(PAGE_DIR + 'styles.css') }],
    ['/app.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from(js.contents) }],
  ]);
}
