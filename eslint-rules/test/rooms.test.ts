import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cwd = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd });

async function roomErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'rooms/imports').map((m) => m.message);
}

describe('rooms/imports lint rule', () => {
  it.each([
    ['main/core/x.ts', "import { a } from '../../simulator/chip.js';", /main\/core may not import from simulator/],
    ['drivers/emrtd/x.ts', "import { a } from '../pcsc/index.js';", /drivers\/emrtd may not import from drivers\/pcsc/],
    ['drivers/emrtd/x.ts', "import Database from 'better-sqlite3';", /may not use the package "better-sqlite3"/],
    ['drivers/pcsc/x.ts', "import { app } from 'electron';", /package "electron"/],
    ['renderer/x.ts', "import { readFileSync } from 'node:fs';", /renderer may not use the package "node:fs"/],
    ['renderer/x.ts', "import { a } from '../main/core/kiosk-core.js';", /renderer may not import from main\/core/],
    ['main/api/x.ts', "import WebSocket from 'ws';", /main\/api may not use the package "ws"/],
    ['registry/x.ts', "export { a } from '../main/core/kiosk-core.js';", /registry may not import from main\/core/],
    ['main/store/x.ts', "const m = await import('../core/kiosk-core.js');", /main\/store may not import from main\/core/],
    ['main/core/x.ts', "import type { X } from '../shell/security.js';", /main\/core may not import from main\/shell/],
    // drivers/emrtd's nested rooms.
    [
      'drivers/emrtd/lds/x.ts',
      "import { a } from '../protocol/bac.js';",
      /drivers\/emrtd\/lds may not import from drivers\/emrtd\/protocol/,
    ],
    [
      'drivers/emrtd/lds/x.ts',
      "import { a } from '../cert/trust-store.js';",
      /drivers\/emrtd\/lds may not import from drivers\/emrtd\/cert/,
    ],
    [
      'drivers/emrtd/protocol/x.ts',
      "import { a } from '../cert/trust-store.js';",
      /drivers\/emrtd\/protocol may not import from drivers\/emrtd\/cert/,
    ],
    [
      'drivers/emrtd/cert/x.ts',
      "import { a } from '../protocol/bac.js';",
      /drivers\/emrtd\/cert may not import from drivers\/emrtd\/protocol/,
    ],
    [
      'drivers/emrtd/protocol/x.ts',
      "import { a } from '../reader.js';",
      /drivers\/emrtd\/protocol may not import from drivers\/emrtd\/reader/,
    ],
    ['drivers/emrtd/tlv.ts', "import { a } from './lds/mrz.js';", /drivers\/emrtd may not import from drivers\/emrtd\/lds/],
    ['drivers/emrtd/lds/x.ts', "import { a } from '../../pcsc/pcsc.js';", /drivers\/emrtd\/lds may not import from drivers\/pcsc/],
    // Packages: each room's allowlist.
    ['drivers/barcode/x.ts', "import { z } from 'zod';", /drivers\/barcode may not use the package "zod" \(allowed: none\)/],
    [
      'drivers/emrtd/lds/x.ts',
      "import { weierstrass } from '@noble/curves/abstract/weierstrass.js';",
      /drivers\/emrtd\/lds may not use the package "@noble\/curves"/,
    ],
    ['main/sync/x.ts', "import { request } from 'node:https';", /main\/sync may not use the package "node:https"/],
    ['main/core/x.ts', "import { spawn } from 'node:child_process';", /main\/core may not use the package "node:child_process"/],
    ['models/x.ts', "import pg from 'pg';", /models may not use the package "pg"/],
    ['bin/x.ts', "import { app } from 'electron';", /bin may not use the package "electron"/],
    ['main/store/x.ts', "import { readFile } from 'fs/promises';", /node: prefix \("node:fs\/promises"\)/],
    // require: a CommonJS one, or one createRequire made, loads under the same lists.
    [
      'renderer/x.ts',
      "import { createRequire } from 'node:module'; const r = createRequire(import.meta.url); r('node:fs');",
      /renderer may not use the package "node:fs"/,
    ],
    [
      'drivers/pcsc/x.ts',
      "import { createRequire } from 'node:module'; createRequire(import.meta.url)('node-hid');",
      /drivers\/pcsc may not use the package "node-hid"/,
    ],
    [
      'drivers/pcsc/x.ts',
      "import { createRequire as cr } from 'node:module'; cr(import.meta.url)('sharp');",
      /drivers\/pcsc may not use the package "sharp"/,
    ],
    [
      'drivers/pcsc/x.ts',
      "import * as m from 'node:module'; const req = m.createRequire(import.meta.url); req('better-sqlite3');",
      /drivers\/pcsc may not use the package "better-sqlite3"/,
    ],
    ['models/x.ts', "const pg = require('pg');", /models may not use the package "pg"/],
    ['main/core/x.ts', "const chip = require('../../simulator/chip.js');", /main\/core may not import from simulator/],
    [
      'drivers/pcsc/x.ts',
      "import { createRequire } from 'node:module'; const name = 'node-hid'; createRequire(import.meta.url)(name);",
      /drivers\/pcsc may not load a module whose name is computed/,
    ],
    ['models/x.ts', 'export const load = (name: string) => module.require(name);', /models may not load a module whose name is computed/],
    [
      'drivers/pcsc/x.ts',
      "import { createRequire } from 'node:module'; export const loaders = [createRequire(import.meta.url)];",
      /Call what createRequire makes at once/,
    ],
    [
      'drivers/pcsc/x.ts',
      "import { createRequire } from 'node:module'; const req = createRequire(import.meta.url); use(req);",
      /Call what createRequire makes at once/,
    ],
    [
      'drivers/pcsc/x.ts',
      "import { createRequire } from 'node:module'; export const req = createRequire(import.meta.url);",
      /Call what createRequire makes at once/,
    ],
    [
      'drivers/pcsc/x.ts',
      "import { createRequire } from 'node:module'; let req = createRequire(import.meta.url); req = () => 0;",
      /Call what createRequire makes at once/,
    ],
    // import() of a computed name.
    ['main/core/x.ts', "const name = 'ws'; await import(name);", /main\/core may not load a module whose name is computed/],
    ['models/x.ts', "const kind = 'detect'; await import(`./${kind}.js`);", /models may not load a module whose name is computed/],
    ['main/store/x.ts', 'await import(`../core/kiosk-core.js`);', /main\/store may not import from main\/core/],
    // The global fetch, outside the rooms that may reach the network.
    [
      'main/core/x.ts',
      "export const get = () => fetch('https://example.org/');",
      /main\/core may not use the network: the global fetch is for main\/sync, registry, bin, scripts only/,
    ],
    ['drivers/emrtd/x.ts', 'const f = fetch; export default f;', /drivers\/emrtd may not use the network/],
    ['renderer/x.ts', "await globalThis.fetch('/x');", /renderer may not use the network/],
    ['models/x.ts', "export const load = () => window['fetch']('https://example.org/model.onnx');", /models may not use the network/],
    ['main/core/x.ts', "export function get() { return [1].map(() => fetch('x')); }", /main\/core may not use the network/],
  ])('refuses in %s: %s', async (file, code, message) => {
    const errors = await roomErrors(file, code);
    expect(errors.join('\n')).toMatch(message);
  });

  it.each([
    // Rooms, nested ones included.
    ['main/core/x.ts', "import { a } from '../../drivers/emrtd/protocol/bac.js';"],
    ['simulator/x.ts', "import { a } from '../drivers/emrtd/protocol/bac.js';"],
    ['main/core/x.ts', "import { a } from '../../drivers/emrtd/cert/trust-store.js';"],
    ['drivers/emrtd/reader.ts', "import { a } from './cert/passive-auth.js';"],
    ['drivers/emrtd/protocol/x.ts', "import { a } from '../lds/mrz.js'; import { b } from '../errors.js';"],
    ['drivers/emrtd/cert/x.ts', "import { a } from '../lds/sod.js'; import { b } from '../signatures.js';"],
    ['drivers/emrtd/lds/x.ts', "import { a } from '../tlv.js';"],
    ['drivers/emrtd/test/x.test.ts', "import { a } from '../cert/trust-store.js'; import { b } from '../protocol/bac.js';"],
    ['renderer/x.ts', "import type { AppInfo } from '../main/api/contract.js';"],
    ['bin/x.ts', "import { a } from '../simulator/chip.js';"],
    // Packages on a room's list, at any subpath; any package in tests.
    ['main/shell/x.ts', "import { app } from 'electron';"],
    ['drivers/emrtd/protocol/x.ts', "import { weierstrass } from '@noble/curves/abstract/weierstrass.js';"],
    ['main/core/x.ts', "import { WebSocketServer } from 'ws'; import { createServer } from 'node:http';"],
    ['models/x.mjs', "import { register } from 'tsx/esm/api';"],
    ['main/store/test/x.test.ts', "import { readFileSync } from 'node:fs'; import { describe } from 'vitest';"],
    ['renderer/test/x.test.ts', "import { chromium } from 'playwright-core';"],
    ['scripts/x.mjs', "import { build } from 'esbuild';"],
    // require and createRequire within the lists; computed names where allowed.
    ['drivers/pcsc/x.ts', "import { createRequire } from 'node:module'; const pcsc = createRequire(import.meta.url)('@pokusew/pcsclite');"],
    [
      'models/x.ts',
      "import { createRequire } from 'node:module'; const req = createRequire(import.meta.url); req(`@cornerstonejs/codec-openjpeg/wasmjs`);",
    ],
    [
      'bin/x.ts',
      "import { createRequire } from 'node:module'; const req = createRequire(import.meta.url); export const load = (name: string) => req(name);",
    ],
    ['drivers/pcsc/test/x.test.ts', "import { createRequire } from 'node:module'; createRequire(import.meta.url)('node-hid');"],
    ['main/core/x.ts', 'await import(`ws`);'],
    ['bin/bench/x.ts', "import { pathToFileURL } from 'node:url'; const f = 'a.bench.ts'; await import(pathToFileURL(f).href);"],
    ['scripts/x.mjs', "const m = 'esbuild'; await import(m);"],
    ['main/core/test/x.test.ts', "const m = 'node:http'; await import(m);"],
    // fetch where the network is allowed, in tests, and any fetch that is not the global one.
    ['main/sync/x.ts', "export const ping = () => fetch('https://registry.example/v1/ping');"],
    ['registry/x.ts', "await fetch('http://127.0.0.1:1/');"],
    ['bin/x.ts', "await globalThis.fetch('http://127.0.0.1:1/');"],
    ['main/core/x.ts', "function fetch(url: string) { return url; } fetch('x');"],
    ['main/core/x.ts', "export function get(fetch: (url: string) => void) { fetch('x'); }"],
    ['main/core/x.ts', "const api = { fetch: (u: string) => u }; api.fetch('x'); export const o = { fetch: 1 };"],
    ['main/shell/x.ts', "import { net } from 'electron'; await net.fetch('file:///x');"],
    ['main/core/test/x.test.ts', "await fetch('http://127.0.0.1:1/');"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await roomErrors(file, code)).toEqual([]);
  });
});
