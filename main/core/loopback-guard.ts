// The guard of a page's WebSocket on a loopback server: the kiosk UI's (ui-server.ts) and, in
// simulator mode, the technician console's (bin/console/server.ts). A page may connect only
// from the server's own origin, to its one endpoint, with its subprotocol and the per-start
// token presented as a second subprotocol (the token travels in the URL's fragment, which
// browsers never send, so no server or log sees it in a URL).
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export interface LoopbackEndpoint {
  port: number;
  /** The WebSocket's path, e.g. /bridge. */
  path: string;
  /** The subprotocol the page must offer. */
  protocol: string;
  /** The token's subprotocol prefix: the page offers prefix + token. */
  tokenPrefix: string;
  token: string;
}

export type Refusal = { status: 400 | 401 | 403 | 404; reason: string };

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Why an upgrade request is refused, or null to accept it. */
export function refuseLoopbackUpgrade(req: IncomingMessage, e: LoopbackEndpoint): Refusal | null {
  const allowedHosts = [`127.0.0.1:${e.port}`, `localhost:${e.port}`];
  const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
  if (path !== e.path) return { status: 404, reason: `no WebSocket endpoint at ${path}` };
  if (!allowedHosts.includes(req.headers.host ?? ''))
    return { status: 403, reason: `host "${req.headers.host ?? ''}" is not this loopback server` };
  const origin = req.headers.origin;
  if (!origin) return { status: 403, reason: 'no Origin header' };
  if (!allowedHosts.map((h) => `http://${h}`).includes(origin))
    return { status: 403, reason: `origin "${origin}" is not this loopback server` };
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
  if (!offered.includes(e.protocol)) return { status: 400, reason: `subprotocol ${e.protocol} not offered` };
  const presented = offered.find((p) => p.startsWith(e.tokenPrefix));
  if (!presented) return { status: 401, reason: 'no token' };
  if (!sameSecret(presented.slice(e.tokenPrefix.length), e.token)) return { status: 401, reason: 'wrong token' };
  return null;
}

/** Answers a refused upgrade with its status and reason, and closes the socket. */
export function rejectUpgrade(socket: Duplex, r: Refusal): void {
  const text = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[r.status];
  socket.end(
    `HTTP/1.1 ${r.status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(r.reason)}\r\n\r\n${r.reason}`,
  );
}

/** The page's content security policy: its own scripts and styles, its own WebSocket, nothing else; `media` for a camera view. */
export function loopbackSecurityPolicy(port: number, o: { media: boolean }): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    ...(o.media ? ["media-src 'self' blob: mediastream:"] : []),
    `connect-src ws://127.0.0.1:${port} ws://localhost:${port}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
