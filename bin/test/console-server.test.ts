// The console server with a stand-in site: only its own page with the token gets in, bad
// messages are answered with what is wrong (never obeyed), actions reach the site and are
// recorded, a failing action says why, and changes are pushed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startConsoleServer, CONSOLE_PROTOCOL, CONSOLE_TOKEN_PREFIX, type ConsoleBackend, type ConsoleServer } from '../console/server.js';
import { parseLoadedScenario as parseScenarioText, scenarioYaml } from '../console/scenario-text.js';
import type { ConsoleEvent, ConsoleSnapshot, ServerMessage } from '../../simulator/console-page/protocol.js';
import type { Action } from '../../simulator/scenario/steps.js';

const applied: Action[] = [];
let snap: ConsoleSnapshot = {
  screen: 'idle',
  readers: [null, null],
  camera: null,
  network: 'restored',
  clockSkewMinutes: 0,
  printer: 'ready',
  gate: null,
  devices: {},
  outbox: { queued: 0, oldestAgeMs: null },
  checkins: 0,
  inRegistry: 0,
  registry: null,
  decision: null,
};
const listeners = new Set<{ changed(): void; event(e: ConsoleEvent): void }>();
const backend: ConsoleBackend = {
  site: 'hospital',
  citizens: async () => [],
  scenarios: () => [],
  clinics: () => [],
  async apply(a) {
    if (a.do === 'gate') throw new Error('a hospital kiosk has no boarding gate');
    applied.push(a);
    if (a.do === 'network') snap = { ...snap, network: a.state };
    for (const l of listeners) l.changed();
  },
  run: async () => undefined,
  parseScenario: parseScenarioText,
  toYaml: scenarioYaml,
  snapshot: () => snap,
  subscribe(l) {
    listeners.add(l);
    return () => listeners.delete(l);
  },
};

let server: ConsoleServer;
beforeAll(async () => {
  server = await startConsoleServer({ backend, assets: new Map([['/', { contentType: 'text/html', body: Buffer.from('<p>panel</p>') }]]) });
});
afterAll(() => server?.close());

function open(token: string, origin = `http://127.0.0.1:${server.port}`): Promise<{ ws: WebSocket; inbox: ServerMessage[] }> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/console`, [CONSOLE_PROTOCOL, CONSOLE_TOKEN_PREFIX + token], { origin });
  const inbox: ServerMessage[] = [];
  ws.on('message', (d) => inbox.push(JSON.parse(String(d)) as ServerMessage));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, inbox }));
    ws.once('error', reject);
  });
}

async function until<T>(f: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the console server', () => {
  it('serves the page on loopback with a strict content security policy, and refuses other hosts', async () => {
    const r = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(await r.text()).toBe('<p>panel</p>');
    expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[\\w-]{40,}$`));
  });

  it('refuses a socket without the token, with a wrong one, or from another origin', async () => {
    const tokenless = new WebSocket(`ws://127.0.0.1:${server.port}/console`, [CONSOLE_PROTOCOL], {
      origin: `http://127.0.0.1:${server.port}`,
    });
    await expect(new Promise((resolve, reject) => (tokenless.once('open', resolve), tokenless.once('error', reject)))).rejects.toThrow(
      /401/,
    );
    await expect(open('wrong')).rejects.toThrow(/401/);
    await expect(open(server.token, 'http://evil.example')).rejects.toThrow(/403/);
  });

  it('greets with the site, answers every request, and pushes changes', async () => {
    const { ws, inbox } = await open(server.token);
    await until(() => inbox.find((m) => m.t === 'hello'));
    ws.send(JSON.stringify({ t: 'action', id: 1, action: { do: 'card-on', citizen: -3 } }));
    expect(await until(() => inbox.find((m) => m.t === 'failed' && m.id === 1))).toMatchObject({ error: /refused: action\.citizen/ });
    ws.send('{"not": "a message"');
    ws.send(JSON.stringify({ t: 'record', id: 2, state: 'start' }));
    await until(() => inbox.find((m) => m.t === 'done' && m.id === 2));
    ws.send(JSON.stringify({ t: 'action', id: 3, action: { do: 'network', state: 'cut' } }));
    await until(() => inbox.find((m) => m.t === 'done' && m.id === 3));
    expect(applied).toEqual([{ do: 'network', state: 'cut' }]);
    await until(() => inbox.find((m) => m.t === 'snapshot' && m.snapshot.network === 'cut'));
    ws.send(JSON.stringify({ t: 'action', id: 4, action: { do: 'gate', state: 'jammed' } }));
    expect(await until(() => inbox.find((m) => m.t === 'failed' && m.id === 4))).toMatchObject({
      error: 'a hospital kiosk has no boarding gate',
    });
    ws.send(JSON.stringify({ t: 'record', id: 5, state: 'stop' }));
    const saved = await until(() => inbox.find((m) => m.t === 'done' && m.id === 5));
    expect(saved.t === 'done' && parseScenarioText(saved.yaml!).steps).toEqual([{ do: 'network', state: 'cut' }]);
    ws.send(JSON.stringify({ t: 'replay', id: 6, text: 'name: x\nsite: airport\nsteps: [{do: wait, ms: 1}]' }));
    expect(await until(() => inbox.find((m) => m.t === 'failed' && m.id === 6))).toMatchObject({
      error: /for an airport, this kiosk is a hospital's/,
    });
    ws.close();
  });
});
