// Browser transport: serves the renderer on loopback and bridges it to the core over a
// WebSocket. A page may connect only if it comes from this server's own origin and
// presents the per-start token (as a WebSocket subprotocol, so it never appears in a URL
// the server sees or logs). Every message is then checked against the contract.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '../api/camera-frame.js';
import type { KioskCore } from './kiosk-core.js';
import type { Logger } from './logger.js';
import type { Asset } from './renderer-assets.js';
import { serveConnection } from './rpc-server.js';

export const BRIDGE_PATH = '/bridge';
export const BRIDGE_PROTOCOL = 'cccd-kiosk.v1';
export const TOKEN_PROTOCOL_PREFIX = 'cccd-kiosk.token.';

export interface UiServerOptions {
  core: KioskCore;
  log: Logger;
  assets: Map<string, Asset>;
  /** 0 picks a free port. */
  port?: number;
  /** Tests pass a fixed token; otherwise 32 random bytes. */
  token?: string;
}

export interface UiServer {
  readonly port: number;
  readonly origin: string;
  /** The address to open: the token travels in the fragment, which browsers never send. */
  readonly url: string;
  readonly token: string;
  close(): Promise<void>;
}

export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src ws://127.0.0.1:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Why an upgrade request is refused, or null to accept it. Exported for tests. */
export function refuseUpgrade(req: IncomingMessage, port: number, token: string): { status: number; reason: string } | null {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const url = new URL(req.url ?? '/', 'http://placeholder');
  if (url.pathname !== BRIDGE_PATH) return { status: 404, reason: `no WebSocket endpoint at ${url.pathname}` };
  if (!allowedHosts.includes(req.headers.host ?? ''))
    return { status: 403, reason: `host "${req.headers.host ?? ''}" is not this loopback server` };
  const origin = req.headers.origin;
  if (!origin) return { status: 403, reason: 'no Origin header' };
  if (!allowedHosts.map((h) => `http://${h}`).includes(origin))
    return { status: 403, reason: `origin "${origin}" is not this loopback server` };
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
  if (!offered.includes(BRIDGE_PROTOCOL)) return { status: 400, reason: `subprotocol ${BRIDGE_PROTOCOL} not offered` };
  const presented = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX));
  if (!presented) return { status: 401, reason: 'no token' };
  if (!sameSecret(presented.slice(TOKEN_PROTOCOL_PREFIX.length), token)) return { status: 401, reason: 'wrong token' };
  return null;
}

function rejectSocket(socket: Duplex, status: number, reason: string): void {
  const text = status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : 'Forbidden';
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const { core, log, assets } = options;
  const token = options.token ?? randomBytes(32).toString('base64url');
  let port = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
    if (!allowedHosts.includes(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain' }).end('wrong host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    const asset = assets.get(path === '/index.html' ? '/' : path);
    if (!asset) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': asset.contentType,
      'content-length': asset.body.length,
      'content-security-policy': contentSecurityPolicy(port),
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  });

  const wss = new WebSocketServer({
    noServer: true,
    // Camera frames are the largest messages; text requests are held to MAX_MESSAGE_BYTES by parseRequest.
    maxPayload: MAX_FRAME_BYTES,
    handleProtocols: (protocols) => (protocols.has(BRIDGE_PROTOCOL) ? BRIDGE_PROTOCOL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = refuseUpgrade(req, port, token);
    if (refusal) {
      log.warn({ remote: req.socket.remoteAddress, reason: refusal.reason }, 'refused a UI bridge connection');
      rejectSocket(socket, refusal.status, refusal.reason);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      log.info('UI connected');
      serveConnection(
        core,
        {
          send: (text) => {
            if (ws.readyState === ws.OPEN) ws.send(text);
          },
          onMessage: (listener) =>
            ws.on('message', (data, isBinary) => {
              const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
              listener(isBinary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) : bytes.toString('utf8'));
            }),
          onClose: (listener) => ws.on('close', listener),
        },
        log,
      );
      ws.on('error', (err) => log.warn({ err: err.message }, 'UI connection error'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    port,
    origin,
    url: `${origin}/#token=${token}`,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
