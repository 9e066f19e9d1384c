// The camera's binary channel over a real loopback WebSocket: the core asks a page for a
// frame, the page answers with exactly that frame, and anything else (no request, a second
// frame, another size, a short or long message, not a frame at all) is refused with its
// reason while the connection, the camera and the kiosk carry on.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { newFrameMessage, FRAME_HEADER_BYTES } from '../../api/camera-frame.js';
import type { CameraWant } from '../../api/contract.js';
import { KioskCore } from '../kiosk-core.js';
import { UiCamera } from '../ui-camera.js';
import { BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX, startUiServer, type UiServer } from '../ui-server.js';

const TOKEN = 'camera-token-0123456789abcdefghijklmnopqrs';
const log = pino({ level: 'silent' });
const core = new KioskCore({ simulator: true });
const settings = { deviceLabel: null, width: 320, height: 240, frameRate: 15 };
const changes: boolean[] = [];
const camera = new UiCamera(
  () => settings,
  log,
  (available) => changes.push(available),
);
core.useCamera(camera, () => settings);
let server: UiServer;

beforeAll(async () => {
  server = await startUiServer({ core, log, assets: new Map(), token: TOKEN });
});
afterAll(() => server.close());

interface Page {
  ws: WebSocket;
  /** Messages from the core, in order, parsed. */
  inbox: Record<string, unknown>[];
  next(pred: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  request(method: string, params: unknown): Promise<Record<string, unknown>>;
}

let requestId = 1;
async function page(): Promise<Page> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`, [BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX + TOKEN], {
    origin: server.origin,
  });
  const inbox: Record<string, unknown>[] = [];
  const waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];
  ws.on('message', (d: Buffer) => {
    const m = JSON.parse(d.toString()) as Record<string, unknown>;
    const w = waiters.findIndex((x) => x.pred(m));
    if (w >= 0) waiters.splice(w, 1)[0]!.resolve(m);
    else inbox.push(m);
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const next = (pred: (m: Record<string, unknown>) => boolean) => {
    const i = inbox.findIndex(pred);
    if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]!);
    return new Promise<Record<string, unknown>>((resolve) => waiters.push({ pred, resolve }));
  };
  return {
    ws,
    inbox,
    next,
    request: (method, params) => {
      const id = requestId++;
      ws.send(JSON.stringify({ type: 'request', id, method, params }));
      return next((m) => m['type'] === 'response' && m['id'] === id);
    },
  };
}

const isWant = (m: Record<string, unknown>) => m['type'] === 'event' && m['name'] === 'camera.want';
const isRefusal = (m: Record<string, unknown>) => m['type'] === 'response' && m['id'] === null && m['ok'] === false;

/** A frame of `want`'s size filled with `value`. */
function frame(want: { id: number; width: number; height: number }, value = 128): Uint8Array {
  const f = newFrameMessage(want.id, want.width, want.height);
  f.fill(value, FRAME_HEADER_BYTES);
  return f;
}

describe('the camera channel', () => {
  it('reports the page camera, asks it for a frame and gets exactly that frame', async () => {
    const p = await page();
    expect(await p.request('camera.settings', {})).toMatchObject({ ok: true, result: settings });
    expect(camera.available()).toBe(false);
    await p.request('camera.report', { state: 'connected', label: 'USB Camera (1234:5678)', problem: null });
    expect(camera.available()).toBe(true);
    expect(camera.label()).toBe('USB Camera (1234:5678)');
    expect(changes.at(-1)).toBe(true);

    const got = camera.next(new AbortController().signal);
    const want = (await p.next(isWant))['payload'] as CameraWant;
    expect(want).toMatchObject({ width: 320, height: 240 });
    p.ws.send(frame(want, 77));
    const img = await got;
    expect(img).toMatchObject({ width: 320, height: 240 });
    expect(img).toMatchObject({ format: 'rgba' });
    expect(img!.pixels.length).toBe(320 * 240 * 4);
    expect(img!.pixels.every((v) => v === 77)).toBe(true);
    p.ws.close();
  });

  it('refuses each bad frame with its reason; the connection and the camera carry on', async () => {
    const p = await page();
    await p.request('camera.report', { state: 'connected', label: 'cam', problem: null });
    const refusalOf = async (bytes: Uint8Array) => {
      p.ws.send(bytes);
      const m = await p.next(isRefusal);
      return (m['error'] as { code: string; message: string }).message;
    };

    // No request yet.
    expect(await refusalOf(frame({ id: 999_999, width: 320, height: 240 }))).toMatch(/^not-requested/);

    const abort = new AbortController();
    const got = camera.next(abort.signal);
    const want = (await p.next(isWant))['payload'] as CameraWant;
    // Wrong size, wrong shape (header says one size, bytes another), not a frame, another pixel format.
    expect(await refusalOf(frame({ ...want, width: 640, height: 480 }))).toMatch(/^wrong-size/);
    expect(
      await refusalOf(
        frame(want)
          .subarray(0, FRAME_HEADER_BYTES + 320 * 240 * 4 - 1)
          .slice(),
      ),
    ).toMatch(/^wrong-length/);
    const long = new Uint8Array(FRAME_HEADER_BYTES + 320 * 240 * 4 + 4);
    long.set(frame(want).subarray(0, FRAME_HEADER_BYTES));
    expect(await refusalOf(long)).toMatch(/^wrong-length/);
    expect(await refusalOf(new TextEncoder().encode('hello, camera'))).toMatch(/^not-a-frame/);
    const rgb = frame(want);
    rgb[12] = 9;
    expect(await refusalOf(rgb)).toMatch(/^unsupported-format/);
    // An I420 header with RGBA's byte count: the length must be the format's.
    const i420 = frame(want);
    i420[12] = 2;
    expect(await refusalOf(i420)).toMatch(/^wrong-length/);
    // A frame for a request never made.
    expect(await refusalOf(frame({ ...want, id: want.id + 5 }))).toMatch(/^not-requested/);

    // The right frame is still taken after all that, here in the camera's own I420.
    const yuv = newFrameMessage(want.id, want.width, want.height, 'i420');
    yuv.fill(9, FRAME_HEADER_BYTES);
    p.ws.send(yuv);
    expect(await got).toMatchObject({ format: 'i420', width: 320, height: 240 });
    // One request, one frame: a second is one too many.
    expect(await refusalOf(frame(want, 9))).toMatch(/^too-many-frames/);

    // The connection still answers requests, and the camera still gives frames.
    expect(await p.request('app.info', {})).toMatchObject({ ok: true });
    const again = camera.next(abort.signal);
    const want2 = (await p.next(isWant))['payload'] as CameraWant;
    expect(want2.id).toBeGreaterThan(want.id);
    p.ws.send(frame(want2, 3));
    expect((await again)!.pixels[0]).toBe(3);
    p.ws.close();
  });

  it('ends a wait when the face step gives up, drops its late frame quietly, and refuses a second one', async () => {
    const p = await page();
    await p.request('camera.report', { state: 'connected', label: 'cam', problem: null });
    const abort = new AbortController();
    const got = camera.next(abort.signal);
    const want = (await p.next(isWant))['payload'] as CameraWant;
    abort.abort();
    expect(await got).toBeNull();
    p.ws.send(frame(want));
    p.ws.send(frame(want));
    // Only the second is an error: the first answered a request the core itself gave up.
    expect(((await p.next(isRefusal))['error'] as { message: string }).message).toMatch(/^too-many-frames/);
    expect(await p.request('app.info', {})).toMatchObject({ ok: true });
    expect(p.inbox.filter(isRefusal)).toEqual([]);
    p.ws.close();
  });

  it('uses the page whose camera connected last, and none once cameras are gone or pages closed', async () => {
    const a = await page();
    const b = await page();
    await a.request('camera.report', { state: 'connected', label: 'A', problem: null });
    await b.request('camera.report', { state: 'connected', label: 'B', problem: null });
    expect(camera.label()).toBe('B');
    const got = camera.next(new AbortController().signal);
    const want = (await b.next(isWant))['payload'] as CameraWant;
    // Unplugged while a frame was wanted: the wait ends with no frame, the other page takes over.
    await b.request('camera.report', { state: 'missing', label: null, problem: 'ended' });
    expect(await got).toBeNull();
    expect(camera.label()).toBe('A');
    b.ws.send(frame(want));
    expect(((await b.next(isRefusal))['error'] as { message: string }).message).toMatch(/^too-many-frames/);
    a.ws.close();
    b.ws.close();
    const deadline = Date.now() + 5000;
    while (camera.available() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(camera.available()).toBe(false);
    expect(changes.at(-1)).toBe(false);
  });

  it('refuses a frame from a page of a core that takes no frames', async () => {
    const lone = new KioskCore({ simulator: true });
    const s = await startUiServer({ core: lone, log, assets: new Map(), token: TOKEN });
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/bridge`, [BRIDGE_PROTOCOL, TOKEN_PROTOCOL_PREFIX + TOKEN], { origin: s.origin });
    await new Promise((r) => ws.once('open', r));
    const reply = new Promise<Record<string, unknown>>((r) =>
      ws.once('message', (d: Buffer) => r(JSON.parse(d.toString()) as Record<string, unknown>)),
    );
    ws.send(frame({ id: 1, width: 320, height: 240 }));
    expect(await reply).toMatchObject({ ok: false, error: { code: 'bad-frame' } });
    ws.close();
    await s.close();
  });
});
