// Serves one UI connection: parses each message against the contract, dispatches it to the
// core, and forwards core events. Bad messages are answered with an error and logged.
import type { ErrorBody } from '../api/contract.js';
import { parseRequest } from '../api/parse.js';
import type { KioskCore } from './kiosk-core.js';
import type { Logger } from './logger.js';

export interface Connection {
  send(text: string): void;
  /** Registers the message handler; returns nothing. */
  onMessage(listener: (raw: unknown) => void): void;
  onClose(listener: () => void): void;
}

export function serveConnection(core: KioskCore, conn: Connection, log: Logger): void {
  const reply = (id: number | null, error: ErrorBody) => conn.send(JSON.stringify({ type: 'response', id, ok: false, error }));

  const unsubscribe = core.subscribe((name, payload) => conn.send(JSON.stringify({ type: 'event', name, payload })));
  conn.onClose(unsubscribe);

  conn.onMessage((raw) => {
    const parsed = parseRequest(raw);
    if (!parsed.ok) {
      log.warn({ code: parsed.error.code, reason: parsed.error.message }, 'refused a UI message');
      reply(parsed.id, parsed.error);
      return;
    }
    const { id, method, params } = parsed.value;
    core.handle(method, params).then(
      (result) => conn.send(JSON.stringify({ type: 'response', id, ok: true, result })),
      (err: unknown) => {
        log.error({ method, err }, 'request failed');
        reply(id, { code: 'internal', message: `${method} failed` });
      },
    );
  });
}
