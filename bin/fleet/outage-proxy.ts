// The fleet's one path to the registry: a loopback TCP proxy that every kiosk's sync goes
// through, so a scheduled outage cuts them all at once (open connections reset, new ones
// refused) and a restore lets them back, as a site's uplink failing would.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface OutageProxy {
  port: number;
  readonly cut: boolean;
  setCut(cut: boolean): void;
  close(): Promise<void>;
}

export async function startOutageProxy(target: { host: string; port: number }): Promise<OutageProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    client.on('error', () => undefined);
    if (cut) return void client.resetAndDestroy();
    const upstream = connect({ host: target.host, port: target.port });
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
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const a = server.address();
  return {
    port: typeof a === 'object' && a ? a.port : 0,
    get cut() {
      return cut;
    },
    setCut(on) {
      cut = on;
      if (on) for (const s of sockets) s.resetAndDestroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
