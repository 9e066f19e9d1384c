// The page's side of the console socket. The per-start token comes in the URL fragment
// (never sent to a server), is kept for this tab only and presented as a WebSocket
// subprotocol; every message from the server is parsed before the page believes it.
import { parseServerMessage, type PageMessage, type ServerMessage } from './protocol.js';

const PROTOCOL = 'cccd-console.v1';
const TOKEN_PREFIX = 'cccd-console.token.';
const TOKEN_KEY = 'cccd-console.token';

type Request = PageMessage extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;
export type Answer = { ok: true; yaml?: string } | { ok: false; error: string };

export interface ConsoleConnection {
  request(m: Request): Promise<Answer>;
  onMessage(listener: (m: ServerMessage) => void): void;
  onClose(listener: () => void): void;
}

interface Location {
  hash: string;
  host: string;
  pathname: string;
  search: string;
}

function takeToken(location: Location, storage: Storage, history: History): string {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (match?.[1]) {
    storage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', location.pathname + location.search);
    return match[1];
  }
  return storage.getItem(TOKEN_KEY) ?? '';
}

export function connect(location: Location, storage: Storage, history: History): ConsoleConnection {
  const token = takeToken(location, storage, history);
  const ws = new WebSocket(`ws://${location.host}/console`, [PROTOCOL, TOKEN_PREFIX + token]);
  const queue: string[] = [];
  const waiting = new Map<number, (a: Answer) => void>();
  const listeners: ((m: ServerMessage) => void)[] = [];
  let next = 1;
  ws.addEventListener('open', () => {
    for (const text of queue.splice(0)) ws.send(text);
  });
  ws.addEventListener('message', (e: MessageEvent<unknown>) => {
    const parsed = parseServerMessage(e.data);
    if (!parsed.ok) {
      console.warn('console protocol:', parsed.error);
      return;
    }
    const m = parsed.value;
    if (m.t === 'done' || m.t === 'failed') {
      const resolve = waiting.get(m.id);
      waiting.delete(m.id);
      resolve?.(m.t === 'done' ? { ok: true, ...(m.yaml !== undefined ? { yaml: m.yaml } : {}) } : { ok: false, error: m.error });
      return;
    }
    for (const l of listeners) l(m);
  });
  ws.addEventListener('close', () => {
    for (const resolve of waiting.values()) resolve({ ok: false, error: 'disconnected' });
    waiting.clear();
  });
  return {
    request(m) {
      const id = next++;
      const text = JSON.stringify({ ...m, id });
      if (ws.readyState === WebSocket.OPEN) ws.send(text);
      else if (ws.readyState === WebSocket.CONNECTING) queue.push(text);
      else return Promise.resolve({ ok: false, error: 'disconnected' });
      return new Promise((resolve) => waiting.set(id, resolve));
    },
    onMessage: (listener) => listeners.push(listener),
    onClose: (listener) => ws.addEventListener('close', () => listener()),
  };
}
