// `npm run build` and the kiosk it builds. The build goes to a temporary package root laid
// out as an install is (package.json, dist/, node_modules/), whose node_modules links every
// dependency except tsx and esbuild: an import of either by the built code fails there. In it
// the built face worker analyses a photo, and the built plain-Node core
// (dist/main/core/node-main.js) checks a virtual card in: the card on a vpcd reader behind a
// private pcscd, its front QR code on the virtual scanner, the check-in read back from the
// kiosk database and over the UI bridge. The bundles are also searched for simulator and
// registry code, which a production build must not hold.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createVirtualCard, type VirtualCard } from '../../simulator/card.js';
import { freePortPair, startPrivatePcscd, type PrivatePcscd } from '../../simulator/pcscd.js';
import { createTestPki, trustFiles } from '../../simulator/pki.js';
import { hidPosReports, SYMBOLOGY, VirtualScanner } from '../../simulator/scanner.js';
import { VpcdCard } from '../../simulator/vpcd.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'kiosk-build-test-'));
const app = join(tmp, 'app');
const dist = join(app, 'dist');
const MODELS = join(root, 'models');
const WITHOUT = new Set(['.bin', 'tsx', 'esbuild', '@esbuild']);

/** An environment with nothing of the test runner's: no NODE_OPTIONS, no NODE_PATH, no loaders. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmp, KIOSK_DATA_DIR: join(tmp, 'data'), KIOSK_MODELS_DIR: MODELS, ...extra };
}

/** Runs a short Node script in the install, with a clean environment. */
function nodeIn(cwd: string, args: string[], timeout = 30_000) {
  return spawnSync(process.execPath, args, { cwd, env: cleanEnv({}), encoding: 'utf8', timeout });
}

function jsFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.c?js$/.test(f)).map((f) => join(dir, f));
}

/** Polls `get` until it gives a value; `what` says what did not happen (read when it fails). */
async function until<T>(get: () => T | undefined | null | false, timeoutMs: number, what: string | (() => string)): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${typeof what === 'string' ? what : what()} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

let buildMs = 0;
beforeAll(() => {
  const t = Date.now();
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), '--out', dist], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  buildMs = Date.now() - t;
  if (built.status !== 0) throw new Error(`npm run build failed (${built.status ?? built.signal}): ${built.stderr}`);
  copyFileSync(join(root, 'package.json'), join(app, 'package.json'));
  const modules = realpathSync(join(root, 'node_modules'));
  mkdirSync(join(app, 'node_modules'));
  for (const name of readdirSync(modules))
    if (!WITHOUT.has(name) && !name.startsWith('.')) symlinkSync(join(modules, name), join(app, 'node_modules', name));
}, 90_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm run build', () => {
  it('bundles the shell, preload, both cores, the face worker and the renderer', () => {
    const files = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => !f.startsWith('.')).sort();
    expect(files).toEqual(
      expect.arrayContaining([
        'main/core/node-main.js',
        'main/core/utility-main.js',
        'main/shell/app.js',
        'main/shell/preload.cjs',
        'models/face-worker.js',
        'renderer/app.js',
        'renderer/index.html',
        'renderer/styles.css',
      ]),
    );
    expect(buildMs).toBeLessThan(30_000);
  });

  it('holds no simulator or registry code, and imports neither tsx nor esbuild', () => {
    // Markers: every name simulator/ and registry/ export that no production source uses.
    const sources = (dir: string) =>
      (readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => f.endsWith('.ts') && !/(^|\/)test\//.test(f))
        .map((f) => readFileSync(join(dir, f), 'utf8'));
    const production = ['main', 'drivers', 'models', 'renderer'].flatMap((d) => sources(join(root, d))).join('\n');
    const markers = ['simulator', 'registry']
      .flatMap((d) => sources(join(root, d)))
      .flatMap((text) => [...text.matchAll(/^export (?:async )?(?:function\*? |class |const )(\w+)/gm)].map((m) => m[1]!))
      .filter((name) => name.length >= 8 && !new RegExp(`\\b${name}\\b`).test(production));
    expect(markers).toEqual(expect.arrayContaining(['createVirtualCard', 'startPrivatePcscd', 'VirtualScanner']));
    expect(markers.length).toBeGreaterThan(20);

    const bundles = jsFiles(dist).map((f) => ({ file: relative(dist, f), text: readFileSync(f, 'utf8') }));
    const found = bundles.flatMap(({ file, text }) => [
      ...markers.filter((m) => new RegExp(`\\b${m}\\b`).test(text)).map((m) => `${file}: ${m}`),
      // esbuild heads each module's code with its path.
      ...[...text.matchAll(/^\/\/ ((?:simulator|registry|bin)\/\S+)$/gm)].map((m) => `${file}: ${m[1]}`),
      ...[...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)["']((?:tsx|esbuild)(?:\/[^"']*)?)["']/g)].map(
        (m) => `${file}: imports ${m[1]}`,
      ),
    ]);
    expect(found).toEqual([]);
    // The search does find what is there.
    const core = bundles.find((b) => b.file === 'main/core/node-main.js')!.text;
    expect(core).toMatch(/^\/\/ main\/core\/kiosk\.ts$/m);
    expect(core).toMatch(/\bstartKiosk\b/);
    // Both cores start the bundled face worker and serve the built renderer.
    for (const file of ['main/core/node-main.js', 'main/core/utility-main.js']) {
      const text = bundles.find((b) => b.file === file)!.text;
      expect(text, file).toContain('"../../models/face-worker.js"');
      expect(text, file).toContain('"../../renderer/"');
      expect(text, file).not.toContain('face-worker-entry');
      expect(text, file).not.toContain('"main.ts"');
    }
  });

  it('installs without tsx and esbuild: the test install cannot load them', () => {
    for (const pkg of ['tsx/esm/api', 'esbuild']) {
      const r = nodeIn(dist, ['--input-type=module', '-e', `await import(${JSON.stringify(pkg)})`]);
      expect(r.status, pkg).not.toBe(0);
      expect(r.stderr).toContain('ERR_MODULE_NOT_FOUND');
    }
    expect(nodeIn(dist, ['--input-type=module', '-e', 'await import("ws")']).status).toBe(0);
  });

  it('runs the built face worker: plain JavaScript that finds the models', () => {
    const script = join(tmp, 'face-worker-check.mjs');
    writeFileSync(
      script,
      `import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
const w = new Worker(${JSON.stringify(join(dist, 'models/face-worker.js'))});
w.on('error', (e) => { console.log(JSON.stringify({ error: e.message })); process.exit(1); });
w.on('message', (r) => { console.log(JSON.stringify({ ok: r.ok, code: r.code, message: r.message, faces: r.analysis?.faces, dims: r.analysis?.embedding?.length })); process.exit(0); });
const image = new Uint8Array(readFileSync(${JSON.stringify(join(MODELS, 'test-photos/astronaut.png'))}));
w.postMessage({ id: 1, op: 'analyse', image: { encoded: image }, options: { liveness: false, cameraFrame: false }, threads: 1 }, [image.buffer]);
`,
    );
    const r = nodeIn(app, [script], 60_000);
    expect(r.status, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(MODELS, 'manifest.json'), 'utf8')) as { models: { embedder: { dimensions: number } } };
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, faces: 1, dims: manifest.models.embedder.dimensions });
  }, 60_000);
});

describe('the built core (node dist/main/core/node-main.js --simulator)', () => {
  let pcscd: PrivatePcscd | null = null;
  let kiosk: ChildProcess | null = null;
  let scanner: VirtualScanner | null = null;
  let inserted: VpcdCard | null = null;
  let ws: WebSocket | null = null;
  let card: VirtualCard;
  let stderr = '';
  const db = join(tmp, 'kiosk.db');

  beforeAll(async () => {
    pcscd = await startPrivatePcscd(await freePortPair());
    const pki = await createTestPki();
    const trust = join(tmp, 'trust');
    mkdirSync(trust);
    for (const f of trustFiles(pki)) writeFileSync(join(trust, f.name), f.bytes);
    card = await createVirtualCard({ pki, seed: 'build-test' });
    kiosk = spawn(process.execPath, [join(dist, 'main/core/node-main.js'), '--simulator'], {
      cwd: app,
      env: cleanEnv({
        KIOSK_DB: db,
        KIOSK_TRUST: trust,
        KIOSK_SITE: 'hospital',
        KIOSK_UI_PORT: '0',
        KIOSK_SCANNER_PORT: '0',
        PCSCLITE_CSOCK_NAME: pcscd.socket,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    kiosk.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  }, 60_000);

  afterAll(async () => {
    ws?.terminate();
    inserted?.remove();
    await scanner?.close().catch(() => undefined);
    if (kiosk && kiosk.exitCode === null && kiosk.signalCode === null) {
      kiosk.kill('SIGKILL');
      await new Promise((r) => kiosk!.once('exit', r));
    }
    await pcscd?.stop();
  }, 20_000);

  it('serves the built UI, takes the card and its QR code, records the check-in, and stops on SIGTERM', async () => {
    const t0 = Date.now();
    const child = kiosk!;
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const exitedEarly = () => child.exitCode !== null || child.signalCode !== null;
    const line = await until(
      () => (stdout.includes('\n') && stdout.split('\n')[0]) || (exitedEarly() && ' '),
      20_000,
      () => `the kiosk printed no address (stderr: ${stderr.slice(-2000)})`,
    );
    if (exitedEarly())
      throw new Error(`the built kiosk exited (${child.exitCode ?? child.signalCode}) before serving: ${stderr.slice(-2000)}`);
    const started = JSON.parse(line) as { url: string; port: number; scannerPort: number };
    const startMs = Date.now() - t0;
    const origin = `http://127.0.0.1:${started.port}`;
    expect(started.url.startsWith(`${origin}/#token=`)).toBe(true);

    // The renderer is the one the build wrote, not one built at run time.
    expect(Buffer.from(await (await fetch(`${origin}/app.js`)).arrayBuffer()).equals(readFileSync(join(dist, 'renderer/app.js')))).toBe(
      true,
    );
    expect(await (await fetch(`${origin}/`)).text()).toBe(readFileSync(join(dist, 'renderer/index.html'), 'utf8'));

    // The UI bridge, as the page talks to it.
    const token = new URL(started.url).hash.slice('#token='.length);
    ws = new WebSocket(`ws://127.0.0.1:${started.port}/bridge`, ['cccd-kiosk.v1', `cccd-kiosk.token.${token}`], { origin });
    const socket = ws;
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    type View = { screen: string; decision: { decision: string; reasons: string[] } | null };
    const screens: View[] = [];
    const replies = new Map<number, unknown>();
    socket.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { type: string; name?: string; payload?: View; id?: number; result?: unknown };
      if (m.type === 'event' && m.name === 'checkin.changed') screens.push(m.payload!);
      if (m.type === 'response') replies.set(m.id!, m.result);
    });
    let nextId = 1;
    const request = async <T>(method: string): Promise<T> => {
      const id = nextId++;
      socket.send(JSON.stringify({ type: 'request', id, method, params: {} }));
      return (await until(() => replies.has(id) && { r: replies.get(id) }, 5000, `no answer to ${method}`)).r as T;
    };
    const device = async (name: 'reader' | 'scanner', timeoutMs: number) => {
      for (const deadline = Date.now() + timeoutMs; (await request<Record<string, string>>('devices.status'))[name] !== 'connected';) {
        if (Date.now() > deadline) throw new Error(`the kiosk saw no ${name} within ${timeoutMs} ms (stderr: ${stderr.slice(-2000)})`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    // The reader behind the private pcscd, then the card on it: the kiosk asks for access.
    await device('reader', 15_000);
    inserted = await VpcdCard.insert({ port: pcscd!.ports[0], card, delays: false });
    await until(() => screens.some((s) => s.screen === 'need-access'), 10_000, 'the kiosk did not ask for the card access');

    // Its front QR code on the virtual scanner opens it; the chip is read and decided.
    scanner = await VirtualScanner.connect(started.scannerPort);
    await device('scanner', 5000);
    await scanner.send(hidPosReports(new TextEncoder().encode(card.citizen.qr), SYMBOLOGY.qr));
    const result = await until(
      () => screens.find((s) => s.screen === 'result'),
      30_000,
      () => `no check-in result (screens: ${screens.map((s) => s.screen).join(' ')}; stderr: ${stderr.slice(-2000)})`,
    );
    expect(screens.map((s) => s.screen)).toContain('reading');
    // The chip passed its checks against KIOSK_TRUST's test CSCA; with no camera the face is not checked.
    expect(result.decision!.reasons.filter((r) => /^(chip|card)-/.test(r))).toEqual([]);
    expect(result.decision!.reasons).toContain('face-not-checked');
    const checkMs = Date.now() - t0 - startMs;

    // Recorded: in the kiosk's database, and queued for the registry.
    const store = new Database(db, { readonly: true, fileMustExist: true });
    try {
      const rows = store.prepare('SELECT workflow, decision FROM checkins').all() as { workflow: string; decision: string }[];
      expect(rows).toHaveLength(1);
      expect(rows[0]!.workflow).toBe('hospital-checkin');
      expect(rows[0]!.decision).toBe(result.decision!.decision);
    } finally {
      store.close();
    }
    expect((await request<{ sync: { queued: number } }>('kiosk.status')).sync.queued).toBe(1);

    inserted.remove();
    inserted = null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
    expect(code, stderr.slice(-2000)).toBe(0);
    console.log(
      `build ${buildMs} ms; built core serving in ${startMs} ms; card checked in ${checkMs} ms (decision ${result.decision!.decision}: ${result.decision!.reasons.join(', ') || 'no reasons'})`,
    );
  }, 90_000);
});
