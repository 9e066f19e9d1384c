// The UI side of the contract: typed requests and events over any text transport.
// Used by the Electron preload (MessagePort) and by the browser build (WebSocket).
import type { EventName, Method, ParamsOf, PayloadOf, ResultOf } from './contract.js';
import { parseCoreMessage, parseResult } from './parse.js';

/** What the renderer sees as `window.kiosk`. */
export interface KioskApi {
  request<M extends Method>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>>;
  on<E extends EventName>(name: E, listener: (payload: PayloadOf<E>) => void): () => void;
  /** A camera frame (api/camera-frame.ts) in answer to `camera.want`; the bytes are handed over, not kept. */
  sendFrame(frame: Uint8Array): void;
}

/** A bidirectional text channel. */
export interface TextTransport {
  send(text: string): void;
  onMessage(listener: (text: unknown) => void): void;
  onClose(listener: (reason: string) => void): void;
  /** Binary messages (camera frames): a transferred ArrayBuffer over a MessagePort, a binary WebSocket message. */
  sendBinary(bytes: Uint8Array): void;
}

export class KioskRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'KioskRequestError';
  }
}

export interface ClientOptions {
  timeoutMs?: number;
  /** Told about messages from the core that failed their schema (they are dropped). */
  onProtocolError?: (reason: string) => void;
}

export function createKioskClient(transport: TextTransport, options: ClientOptions = {}): KioskApi {
  const timeoutMs = options.timeoutMs ?? 10_000;
  let nextId = 1;
  const pending = new Map<
    number,
    { method: Method; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();

  transport.onMessage((raw) => {
    const parsed = parseCoreMessage(raw);
    if (!parsed.ok) {
      options.onProtocolError?.(parsed.error.message);
      return;
    }
    const msg = parsed.value;
    if (msg.type === 'event') {
      for (const l of listeners.get(msg.name) ?? []) (l as (p: unknown) => void)(msg.payload);
      return;
    }
    const entry = msg.id === null ? undefined : pending.get(msg.id);
    if (!entry) {
      if (!msg.ok) options.onProtocolError?.(`core refused a message: ${msg.error.message}`);
      return;
    }
    pending.delete(msg.id as number);
    clearTimeout(entry.timer);
    if (!msg.ok) {
      entry.reject(new KioskRequestError(msg.error.code, msg.error.message));
      return;
    }
    const result = parseResult(entry.method, msg.result);
    if (result.ok) entry.resolve(result.value);
    else entry.reject(new KioskRequestError('bad-message', result.error.message));
  });

  transport.onClose((reason) => {
    for (const [id, entry] of pending) {
      clearTimeout(entry.timer);
      entry.reject(new KioskRequestError('unavailable', `connection to the kiosk core closed: ${reason}`));
      pending.delete(id);
    }
  });

  return {
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new KioskRequestError('unavailable', `${method}: no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
        transport.send(JSON.stringify({ type: 'request', id, method, params }));
      });
    },
    on(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
    sendFrame(frame) {
      transport.sendBinary(frame);
    },
  };
}
