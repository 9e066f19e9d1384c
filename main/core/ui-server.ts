// Browser transport: serves the renderer on loopback and bridges it to the core over a
// WebSocket. A page may connect only if it comes from this server's own origin and
// presents the per-start token (as a WebSocket subprotocol, so it never appears in a URL
// the server sees or logs). Every message is then checked against the contract.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES } from '../api/camera-frame.js';
import type { KioskCore } from './kiosk-core.js';
import type { Logger } from './logger.js';
import { loopbackSecurityPolicy, refuseLoopbackUpgrade, rejectUpgrade, type Refusal } from './loopback-guard.js';
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

/** The kiosk page's content security policy (its camera view needs media). Exported for tests. */
export const contentSecurityPolicy = (port: number): string => loopbackSecurityPolicy(port, { media: true });

/** Why an upgrade request is refused, or null to accept it. Exported for tests. */
export const refuseUpgrade = (req: IncomingMessage, port: number, token: string): Refusal | null =>
  refuseLoopbackUpgrade(req, { port, path: BRIDGE_PATH, protocol: BRIDGE_PROTOCOL, tokenPrefix: TOKEN_PROTOCOL_PREFIX, token });

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
      rejectUpgrade(socket, refusal);
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
