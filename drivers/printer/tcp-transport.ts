// Raw TCP ("port 9100", JetDirect/AppSocket): bytes in, status bytes out, on one connection
// kept open between exchanges (printers take one client at a time, so connecting for every
// status poll would make them busy for others and slow). A connection that fails or times
// out is dropped: a late reply would otherwise be taken for the next one.
import { connect, type Socket } from 'node:net';
import { failureOf, TransportError, type PrinterTransport } from './transport.js';

export const RAW_TCP_DEFAULT_PORT = 9100;

/** Status replies are a few bytes; more than this unread is dropped, not kept. */
const MAX_PENDING = 4096;

/** One connection and what it has received; its events touch only itself. */
class Connection {
  pending: Buffer[] = [];
  pendingLength = 0;
  failure: TransportError | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly socket: Socket,
    name: string,
  ) {
    // Registered where the socket is made: a socket error with no listener would end the process.
    socket.on('error', (err) => this.fail(failureOf(err)));
    socket.on('close', () => this.fail(new TransportError('unreachable', `${name}: the printer closed the connection`)));
    socket.on('data', (chunk: Buffer) => {
      if (this.pendingLength < MAX_PENDING) {
        this.pending.push(chunk);
        this.pendingLength += chunk.length;
      }
      this.wake?.();
    });
  }

  private fail(err: TransportError): void {
    this.failure ??= err;
    this.wake?.();
  }

  get usable(): boolean {
    return !this.failure && !this.socket.destroyed;
  }

  /** Resolves when something arrives, the connection fails, or `ms` pass. */
  waitForData(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  take(n: number): Uint8Array {
    const all = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingLength = 0;
    return new Uint8Array(all.subarray(0, n));
  }
}

export class TcpTransport implements PrinterTransport {
  readonly name: string;
  private conn: Connection | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number = RAW_TCP_DEFAULT_PORT,
    private readonly connectTimeoutMs = 3000,
  ) {
    this.name = `tcp ${host}:${port}`;
  }

  async exchange(bytes: Uint8Array, expect: number, timeoutMs: number): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    try {
      const conn = await this.open(Math.min(this.connectTimeoutMs, timeoutMs));
      // Bytes nobody asked for (a late reply, automatic status) must not answer this request.
      conn.take(0);
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new TransportError('timeout', `${this.name}: writing took longer than ${timeoutMs} ms`)),
          Math.max(0, deadline - Date.now()),
        );
        conn.socket.write(bytes, (err) => {
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        });
      });
      while (conn.pendingLength < expect) {
        if (conn.failure) throw conn.failure;
        const left = deadline - Date.now();
        if (left <= 0) throw new TransportError('timeout', `${this.name}: no reply within ${timeoutMs} ms`);
        await conn.waitForData(left);
      }
      return conn.take(expect);
    } catch (err) {
      this.drop();
      throw failureOf(err);
    }
  }

  async close(): Promise<void> {
    this.drop();
  }

  private drop(): void {
    this.conn?.socket.destroy();
    this.conn = null;
  }

  private async open(timeoutMs: number): Promise<Connection> {
    if (this.conn?.usable) return this.conn;
    this.drop();
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    const conn = new Connection(socket, this.name);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError('unreachable', `${this.name}: no connection within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.conn = conn;
    return conn;
  }
}
