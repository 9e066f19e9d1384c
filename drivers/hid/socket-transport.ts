// The loopback transport of the virtual scanner (no /dev/hidraw or /dev/uhid on a test
// machine). The kiosk listens on 127.0.0.1; a scanner connects (plug in), says who it is in
// a HELLO frame, then sends its raw HID input reports one per REPORT frame; closing the
// connection is unplugging it. Frame: type (1 byte), payload length (2 bytes, big-endian),
// payload. Anything malformed closes that connection with a reason.
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { z } from 'zod';
import type { DeviceDiscovery, HidDeviceInfo, ReportSource } from './device.js';

/** Where the kiosk listens for the virtual scanner unless told otherwise (vpcd's is 35963). */
export const SCANNER_SOCKET_DEFAULT_PORT = 35970;

export const FRAME_HELLO = 0x01;
export const FRAME_REPORT = 0x02;
export const MAX_FRAME = 1024;

const helloSchema = z.strictObject({
  vendorId: z.number().int().min(0).max(0xffff),
  productId: z.number().int().min(0).max(0xffff),
  usagePage: z.number().int().min(0).max(0xffff),
  usage: z.number().int().min(0).max(0xffff),
  product: z.string().max(128),
  serialNumber: z.string().max(128),
});
export type ScannerHello = z.infer<typeof helloSchema>;

export function encodeFrame(type: number, payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_FRAME) throw new RangeError(`frame payload of ${payload.length} bytes; at most ${MAX_FRAME}`);
  const out = new Uint8Array(3 + payload.length);
  out[0] = type;
  out[1] = payload.length >> 8;
  out[2] = payload.length & 0xff;
  out.set(payload, 3);
  return out;
}

/** Splits a byte stream into frames; `push` returns whole frames or throws on a malformed one. */
export class FrameReader {
  private buf = new Uint8Array(0);
  push(chunk: Uint8Array): { type: number; payload: Uint8Array }[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const frames: { type: number; payload: Uint8Array }[] = [];
    let at = 0;
    while (joined.length - at >= 3) {
      const type = joined[at]!;
      const len = (joined[at + 1]! << 8) | joined[at + 2]!;
      if (type !== FRAME_HELLO && type !== FRAME_REPORT) throw new Error(`unknown frame type 0x${type.toString(16)}`);
      if (len === 0 || len > MAX_FRAME) throw new Error(`frame length ${len} outside 1-${MAX_FRAME}`);
      if (joined.length - at < 3 + len) break;
      frames.push({ type, payload: joined.slice(at + 3, at + 3 + len) });
      at += 3 + len;
    }
    this.buf = joined.slice(at);
    return frames;
  }
}

class SocketSource extends EventEmitter implements ReportSource {
  private gone = false;
  constructor(
    readonly info: HidDeviceInfo,
    private readonly socket: Socket,
  ) {
    super();
  }
  report(bytes: Uint8Array): void {
    if (!this.gone) this.emit('report', bytes);
  }
  end(reason: string): void {
    if (this.gone) return;
    this.gone = true;
    this.emit('gone', reason);
  }
  close(): void {
    this.socket.destroy();
    this.end('closed by the kiosk');
  }
}

export class SocketDiscovery extends EventEmitter implements DeviceDiscovery {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly port: number,
    private readonly host = '127.0.0.1',
  ) {
    super();
  }

  /** The bound port (useful with port 0). */
  get boundPort(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : this.port;
  }

  async start(): Promise<void> {
    if (this.host !== '127.0.0.1' && this.host !== '::1' && this.host !== 'localhost')
      throw new Error(`the virtual scanner transport listens on loopback only, not ${this.host}`);
    const server = createServer((socket) => this.accept(socket));
    server.maxConnections = 16;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.emit('error', err));
    this.server = server;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const peer = `socket:${socket.remoteAddress}:${socket.remotePort}`;
    const frames = new FrameReader();
    let source: SocketSource | null = null;
    const fail = (reason: string) => {
      socket.destroy();
      if (source) source.end(reason);
      else this.emit('refused', { path: peer, reason });
    };
    socket.on('data', (chunk: Buffer) => {
      let got;
      try {
        got = frames.push(chunk);
      } catch (err) {
        return fail(`malformed frame: ${(err as Error).message}`);
      }
      for (const f of got) {
        if (f.type === FRAME_HELLO) {
          if (source) return fail('a second HELLO on the same connection');
          let hello: ScannerHello;
          try {
            hello = helloSchema.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(f.payload)));
          } catch (err) {
            return fail(`HELLO is not a device description: ${(err as Error).message.split('\n')[0]}`);
          }
          source = new SocketSource({ ...hello, path: peer, transport: 'socket' }, socket);
          this.emit('attach', source);
        } else if (!source) {
          return fail('a report before HELLO');
        } else {
          source.report(f.payload);
        }
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      source?.end('unplugged (connection closed)');
    });
  }
}
