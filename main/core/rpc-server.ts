// Serves one UI connection: parses each message against the contract, dispatches it to the
// core, and forwards core events. Text messages are requests; binary ones are camera frames
// (api/camera-frame.ts), which only the page's camera link takes. Bad messages are answered
// with an error and logged; the connection stays up.
import type { ErrorBody } from '../api/contract.js';
import { parseRequest } from '../api/parse.js';
import { newStaffSession, StaffOnly, type KioskCore } from './kiosk-core.js';
import type { Logger } from './logger.js';

export interface Connection {
  send(text: string): void;
  /** Registers the message handler: text as a string, binary as bytes (a Uint8Array or an ArrayBuffer). */
  onMessage(listener: (raw: unknown) => void): void;
  onClose(listener: () => void): void;
}

function asBytes(raw: unknown): Uint8Array | null {
  if (raw instanceof Uint8Array) return raw;
  if (raw instanceof ArrayBuffer) return new Uint8Array(raw);
  return null;
}

export function serveConnection(core: KioskCore, conn: Connection, log: Logger): void {
  const reply = (id: number | null, error: ErrorBody) => conn.send(JSON.stringify({ type: 'response', id, ok: false, error }));

  const unsubscribe = core.subscribe((name, payload) => conn.send(JSON.stringify({ type: 'event', name, payload })));
  const camera = core.connectCamera((want) => conn.send(JSON.stringify({ type: 'event', name: 'camera.want', payload: want })));
  conn.onClose(() => {
    unsubscribe();
    camera?.close();
  });

  const staff = newStaffSession();
  let refusedFrames = 0;
  conn.onMessage((raw) => {
    const bytes = asBytes(raw);
    if (bytes) {
      const r = camera
        ? camera.receive(bytes)
        : ({ ok: false, refusal: 'not-requested', message: 'this kiosk takes no camera frames' } as const);
      if (r.ok) return;
      // A misbehaving page could send many: the first and then every hundredth is logged.
      if (refusedFrames++ % 100 === 0)
        log.warn({ refusal: r.refusal, reason: r.message, refused: refusedFrames }, 'refused a camera frame');
      reply(null, { code: 'bad-frame', message: `${r.refusal}: ${r.message}`.slice(0, 500) });
      return;
    }
    const parsed = parseRequest(raw);
    if (!parsed.ok) {
      log.warn({ code: parsed.error.code, reason: parsed.error.message }, 'refused a UI message');
      reply(parsed.id, parsed.error);
      return;
    }
    const { id, method, params } = parsed.value;
    core.handle(method, params, { camera, staff }).then(
      (result) => conn.send(JSON.stringify({ type: 'response', id, ok: true, result })),
      (err: unknown) => {
        if (err instanceof StaffOnly) {
          log.warn({ method }, 'refused a staff request: staff mode is locked');
          reply(id, { code: 'forbidden', message: err.message });
          return;
        }
        log.error({ method, err }, 'request failed');
        reply(id, { code: 'internal', message: `${method} failed` });
      },
    );
  });
}
