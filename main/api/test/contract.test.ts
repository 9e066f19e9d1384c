import { describe, expect, it } from 'vitest';
import { createKioskClient, KioskRequestError, type TextTransport } from '../client.js';
import { MAX_MESSAGE_BYTES } from '../contract.js';
import { parseCoreMessage, parseRequest } from '../parse.js';

describe('parseRequest', () => {
  it('accepts a well-formed request and returns typed params', () => {
    const r = parseRequest(JSON.stringify({ type: 'request', id: 7, method: 'settings.setLanguage', params: { language: 'en' } }));
    expect(r).toEqual({ ok: true, value: { id: 7, method: 'settings.setLanguage', params: { language: 'en' } } });
  });

  it.each([
    ['not text', Buffer.from('{}'), 'bad-message', /not text/],
    ['not JSON', '{"type":', 'bad-message', /not valid JSON/],
    ['too long', 'x'.repeat(MAX_MESSAGE_BYTES + 1), 'bad-message', /longer than/],
    ['no envelope', JSON.stringify({ hello: 1 }), 'bad-message', /not a request/],
    [
      'extra envelope key',
      JSON.stringify({ type: 'request', id: 1, method: 'app.info', params: {}, evil: true }),
      'bad-message',
      /not a request/,
    ],
    ['negative id', JSON.stringify({ type: 'request', id: -1, method: 'app.info', params: {} }), 'bad-message', /id/],
    ['unknown method', JSON.stringify({ type: 'request', id: 1, method: 'shell.exec', params: {} }), 'unknown-method', /shell\.exec/],
    ['prototype method', JSON.stringify({ type: 'request', id: 1, method: '__proto__', params: {} }), 'unknown-method', /__proto__/],
    [
      'bad params',
      JSON.stringify({ type: 'request', id: 1, method: 'settings.setLanguage', params: { language: 'fr' } }),
      'bad-params',
      /language/,
    ],
    ['extra params', JSON.stringify({ type: 'request', id: 1, method: 'app.info', params: { x: 1 } }), 'bad-params', /app\.info/],
  ])('refuses a message that is %s', (_label, raw, code, message) => {
    const r = parseRequest(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.message).toMatch(message);
    }
  });
});

describe('parseCoreMessage', () => {
  it('checks event payloads against their schema', () => {
    expect(
      parseCoreMessage(
        JSON.stringify({
          type: 'event',
          name: 'devices.changed',
          payload: {
            reader: 'connected',
            scanner: 'missing',
            camera: 'missing',
            printer: 'paper-out',
            gate: 'missing',
            registry: 'missing',
          },
        }),
      ).ok,
    ).toBe(true);
    expect(parseCoreMessage(JSON.stringify({ type: 'event', name: 'devices.changed', payload: { reader: 'yes' } })).ok).toBe(false);
    expect(parseCoreMessage(JSON.stringify({ type: 'event', name: 'nope', payload: {} })).ok).toBe(false);
  });
});

/** An in-memory loop: what the client sends is answered by `answer`. */
function loopTransport(answer: (msg: { id: number; method: string }) => unknown): TextTransport & { push(text: string): void } {
  let onMessage: (t: unknown) => void = () => undefined;
  return {
    send: (text) => {
      const msg = JSON.parse(text) as { id: number; method: string };
      const reply = answer(msg);
      if (reply !== undefined) queueMicrotask(() => onMessage(JSON.stringify(reply)));
    },
    onMessage: (l) => (onMessage = l),
    onClose: () => undefined,
    sendBinary: () => undefined,
    push: (text) => onMessage(text),
  };
}

describe('createKioskClient', () => {
  it('resolves a typed result', async () => {
    const client = createKioskClient(loopTransport((m) => ({ type: 'response', id: m.id, ok: true, result: { language: 'en' } })));
    await expect(client.request('settings.setLanguage', { language: 'en' })).resolves.toEqual({ language: 'en' });
  });

  it('rejects a result that fails its schema', async () => {
    const client = createKioskClient(loopTransport((m) => ({ type: 'response', id: m.id, ok: true, result: { language: 'klingon' } })));
    await expect(client.request('settings.setLanguage', { language: 'en' })).rejects.toBeInstanceOf(KioskRequestError);
  });

  it('turns an error response into a KioskRequestError with its code', async () => {
    const client = createKioskClient(
      loopTransport((m) => ({ type: 'response', id: m.id, ok: false, error: { code: 'internal', message: 'boom' } })),
    );
    await expect(client.request('app.info', {})).rejects.toMatchObject({ code: 'internal', message: 'boom' });
  });

  it('times out when the core does not answer', async () => {
    const client = createKioskClient(
      loopTransport(() => undefined),
      { timeoutMs: 20 },
    );
    await expect(client.request('app.info', {})).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('delivers valid events and drops invalid ones with a reason', () => {
    const errors: string[] = [];
    const transport = loopTransport(() => undefined);
    const client = createKioskClient(transport, { onProtocolError: (r) => errors.push(r) });
    const seen: unknown[] = [];
    client.on('devices.changed', (p) => seen.push(p));
    const good = {
      reader: 'connected',
      scanner: 'missing',
      camera: 'missing',
      printer: 'connected',
      gate: 'connected',
      registry: 'connected',
    };
    transport.push(JSON.stringify({ type: 'event', name: 'devices.changed', payload: good }));
    transport.push(JSON.stringify({ type: 'event', name: 'devices.changed', payload: { reader: 1 } }));
    transport.push('garbage');
    expect(seen).toEqual([good]);
    expect(errors).toHaveLength(2);
  });
});
