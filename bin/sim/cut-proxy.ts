// A network path to a registry that can be cut and restored: a loopback TCP proxy. The
// simulated site puts it between its kiosk and registry (the console's "cut the network"),
// the fleet between all its kiosks and the registry (scheduled outages). Cut, it drops every
// open connection and resets new ones at once, as a pulled cable or a dead uplink looks to
// the kiosk's sync (never a hang).
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface CutProxy {
  /** The port the kiosk talks to (127.0.0.1). */
  readonly port: number;
  readonly cut: boolean;
  setCut(cut: boolean): void;
  close(): Promise<void>;
}

export async function startCutProxy(target: { host?: string; port: number }): Promise<CutProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    client.on('error', () => undefined);
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ port: target.port, host: target.host ?? '127.0.0.1' });
    // The registry gone: the kiosk sees its connection end, as it would.
    upstream.on('error', () => client.destroy());
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address();
  const port = typeof a === 'object' && a ? a.port : 0;
  return {
    port,
    get cut() {
      return cut;
    },
    setCut(c: boolean) {
      cut = c;
      if (!c) return;
      for (const s of sockets) s.resetAndDestroy();
      sockets.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        sockets.clear();
        server.close(() => resolve());
      }),
  };
}
