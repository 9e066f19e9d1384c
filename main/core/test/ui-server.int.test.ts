// The WebSocket bridge over a real loopback server: who may connect, and what happens to
// messages that fail the contract.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '../../api/camera-frame.js';
import { KioskCore } from '../kiosk-core.js';
import { BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX, startUiServer, type UiServer } from '../ui-server.js';

const logLines: { msg: string; reason?: string }[] = [];
const log = pino(
  { level: 'debug' },
  new Writable({
    write(chunk: Buffer, _enc, cb) {
      logLines.push(JSON.parse(chunk.toString()) as { msg: string; reason?: string });
      cb();
    },
  }),
);

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstu';
let server: UiServer;
const core = new KioskCore({ simulator: true });

beforeAll(async () => {
  const assets = new Map([['/', { contentType: 'text/html', body: Buffer.from('<p>hi</p>') }]]);
  server = await startUiServer({ core, log, assets, token: TOKEN });
});
afterAll(() => server.close());

function connect(
  opts: { token?: string | null; origin?: string | null; protocols?: string[] } = {},
): Promise<{ ws: WebSocket } | { status: number; body: string }> {
  const protocols = opts.protocols ?? [BRIDGE_PROTOCOL, ...(opts.token === null ? [] : [TOKEN_PROTOCOL_PREFIX + (opts.token ?? TOKEN)])];
  const headers: Record<string, string> = {};
  const origin = opts.origin === undefined ? server.origin : opts.origin;
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`, protocols, origin === null ? {} : { origin, headers });
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', () => undefined);
  });
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (d: Buffer) => resolve(JSON.parse(d.toString()) as Record<string, unknown>)));
}

describe('UI bridge connection checks', () => {
  it('accepts the right token from its own origin and answers requests', async () => {
    const c = await connect();
    expect('ws' in c).toBe(true);
    if (!('ws' in c)) return;
    expect(c.ws.protocol).toBe(BRIDGE_PROTOCOL);
    const reply = nextMessage(c.ws);
    c.ws.send(JSON.stringify({ type: 'request', id: 1, method: 'app.info', params: {} }));
    expect(await reply).toMatchObject({ type: 'response', id: 1, ok: true, result: { name: 'cccd-kiosk', simulator: true } });
    c.ws.close();
  });

  it.each([
    ['a wrong token', { token: 'wrong' }, 401, 'wrong token'],
    ['a token of the right length but wrong', { token: TOKEN.replace(/.$/, 'X') }, 401, 'wrong token'],
    ['no token', { token: null }, 401, 'no token'],
    ['a foreign origin', { origin: 'http://evil.example' }, 403, 'origin'],
    ['a loopback origin on another port', { origin: 'http://127.0.0.1:1' }, 403, 'origin'],
    ['no origin', { origin: null }, 403, 'no Origin'],
    ['no kiosk subprotocol', { protocols: [TOKEN_PROTOCOL_PREFIX + TOKEN] }, 400, 'subprotocol'],
  ])('refuses %s and logs why', async (_label, opts, status, reason) => {
    logLines.length = 0;
    const c = await connect(opts);
    expect(c).toMatchObject({ status });
    expect(logLines.some((l) => l.msg === 'refused a UI bridge connection' && l.reason?.includes(reason))).toBe(true);
  });
});

describe('UI bridge message checks', () => {
  it('answers a message that fails its schema with an error, logs the reason, and keeps serving', async () => {
    const c = await connect();
    if (!('ws' in c)) throw new Error('could not connect');
    logLines.length = 0;
    let reply = nextMessage(c.ws);
    c.ws.send(JSON.stringify({ type: 'request', id: 5, method: 'settings.setLanguage', params: { language: 'de' } }));
    expect(await reply).toMatchObject({ type: 'response', id: 5, ok: false, error: { code: 'bad-params' } });
    expect(logLines.some((l) => l.msg === 'refused a UI message' && l.reason?.includes('language'))).toBe(true);

    reply = nextMessage(c.ws);
    c.ws.send('{not json');
    expect(await reply).toMatchObject({ ok: false, id: null, error: { code: 'bad-message' } });

    reply = nextMessage(c.ws);
    // Binary messages are camera frames; this core takes none, so it refuses them as such.
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await reply).toMatchObject({ ok: false, error: { code: 'bad-frame' } });

    reply = nextMessage(c.ws);
    c.ws.send('x'.repeat(70 * 1024));
    expect(await reply).toMatchObject({ ok: false, error: { code: 'bad-message', message: expect.stringContaining('longer than') } });

    reply = nextMessage(c.ws);
    c.ws.send(JSON.stringify({ type: 'request', id: 6, method: 'devices.status', params: {} }));
    expect(await reply).toMatchObject({ id: 6, ok: true });
    c.ws.close();
  });

  it('pushes device events to connected pages', async () => {
    const c = await connect();
    if (!('ws' in c)) throw new Error('could not connect');
    const event = nextMessage(c.ws);
    core.setDevice('reader', 'connected');
    expect(await event).toMatchObject({ type: 'event', name: 'devices.changed', payload: { reader: 'connected' } });
    c.ws.close();
  });

  it('closes a connection that sends more than the largest camera frame', async () => {
    const c = await connect();
    if (!('ws' in c)) throw new Error('could not connect');
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    c.ws.send(Buffer.alloc(MAX_FRAME_BYTES + 1), { binary: true });
    expect(await closed).toBe(1009);
  });
});

describe('HTTP side', () => {
  it('serves assets with a strict CSP and refuses other Host headers (DNS rebinding)', async () => {
    const ok = await fetch(`${server.origin}/`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(ok.headers.get('content-security-policy')).not.toContain('unsafe');
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: server.port, path: '/', headers: { host: 'evil.example' } }, (res) =>
        resolve(res.statusCode ?? 0),
      ).end();
    });
    expect(status).toBe(421);
    expect((await fetch(`${server.origin}/nope`)).status).toBe(404);
    expect((await fetch(`${server.origin}/`, { method: 'POST' })).status).toBe(405);
  });
});
