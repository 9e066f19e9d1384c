// Browser mode: the page reaches the core over a loopback WebSocket. The per-start token
// arrives in the URL fragment (never sent to a server), is kept for this tab only, and is
// presented as a WebSocket subprotocol.
import { createKioskClient, type KioskApi, type TextTransport } from '../main/api/client.js';

const PROTOCOL = 'cccd-kiosk.v1';
const TOKEN_PREFIX = 'cccd-kiosk.token.';
const TOKEN_KEY = 'cccd-kiosk.token';

function takeToken(): string | null {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function connectOverWebSocket(onClosed: (reason: string) => void): KioskApi {
  const token = takeToken() ?? '';
  const ws = new WebSocket(`ws://${location.host}/bridge`, [PROTOCOL, TOKEN_PREFIX + token]);
  ws.binaryType = 'arraybuffer';
  const queue: string[] = [];
  ws.addEventListener('open', () => {
    for (const text of queue.splice(0)) ws.send(text);
  });
  const transport: TextTransport = {
    send: (text) => (ws.readyState === WebSocket.OPEN ? ws.send(text) : queue.push(text)),
    onMessage: (listener) => ws.addEventListener('message', (e: MessageEvent<unknown>) => listener(e.data)),
    onClose: (listener) => ws.addEventListener('close', (e: CloseEvent) => listener(e.reason || `code ${e.code}`)),
    // Frames answer a request of this connection: before it is open there is nothing to answer.
    sendBinary: (bytes) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(bytes);
    },
  };
  transport.onClose(onClosed);
  return createKioskClient(transport, { onProtocolError: (reason) => console.warn('kiosk protocol:', reason) });
}
