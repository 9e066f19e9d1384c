// The virtual ticket printer: a raw-TCP ESC/POS printer on loopback, as a kiosk's
// PrinterService sees one. It answers DLE EOT status queries from its settable state,
// decodes what it is sent (simulator/escpos-decoder.ts) and keeps the last tickets with a
// PNG preview, emitting 'ticket' for each. Malformed input is logged and skipped.
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { statusBytesFor } from '../drivers/printer/status.js';
import { EscPosDecoder, ticketText, type DecodedTicket } from './escpos-decoder.js';
import { ticketPng } from './ticket-preview.js';

export type VirtualPrinterState = 'ready' | 'paper-out' | 'paper-low' | 'cover-open' | 'error';
export const VIRTUAL_PRINTER_STATES: readonly VirtualPrinterState[] = ['ready', 'paper-out', 'paper-low', 'cover-open', 'error'];

export interface PrintedTicket {
  text: string;
  png: Buffer;
  receivedAt: Date;
  decoded: DecodedTicket;
}

export interface VirtualPrinterOptions {
  /** 0 = any free port (see `port` after start). */
  port?: number;
  state?: VirtualPrinterState;
  /** How many tickets to keep (default 20). */
  keep?: number;
  log?: (line: string) => void;
}

/** Emits 'ticket' (PrintedTicket), 'skipped' (reason) and 'error' (only to a listener). */
export class VirtualPrinter extends EventEmitter {
  state: VirtualPrinterState;
  readonly tickets: PrintedTicket[] = [];
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly keep: number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: VirtualPrinterOptions = {}) {
    super();
    this.state = options.state ?? 'ready';
    this.keep = options.keep ?? 20;
    this.log = options.log ?? (() => {});
  }

  get port(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : (this.options.port ?? 0);
  }

  async start(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    });
    this.server = server;
  }

  /** Stops at once, dropping its connections as a printer switched off does. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits for the next ticket (tests). */
  nextTicket(timeoutMs = 5000): Promise<PrintedTicket> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('ticket', got);
        reject(new Error(`no ticket within ${timeoutMs} ms`));
      }, timeoutMs);
      const got = (t: PrintedTicket) => {
        clearTimeout(timer);
        resolve(t);
      };
      this.once('ticket', got);
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new EscPosDecoder();
    // Tickets are previewed one after another, in the order they were cut.
    let previews = Promise.resolve();
    const handle = (events: ReturnType<EscPosDecoder['push']>) => {
      for (const e of events) {
        if (e.kind === 'status-query') {
          const bytes = statusBytesFor(this.state);
          const reply = e.n === 1 ? bytes[0] : e.n === 2 ? bytes[1] : e.n === 4 ? bytes[2] : 0x12;
          if (!socket.destroyed) socket.write(Uint8Array.of(reply));
        } else if (e.kind === 'skipped') {
          this.log(`skipped: ${e.reason}`);
          this.emit('skipped', e.reason);
        } else if (this.state !== 'ready' && this.state !== 'paper-low') {
          this.log(`ticket discarded: the printer is ${this.state}`);
          this.emit('skipped', `ticket discarded: ${this.state}`);
        } else {
          const decoded = e.ticket;
          previews = previews.then(() => this.keepTicket(decoded));
        }
      }
    };
    socket.on('data', (chunk: Buffer) => {
      try {
        handle(decoder.push(chunk));
      } catch (err) {
        // The decoder does not throw by design; should it, this connection ends, not the printer.
        this.log(`decoder failed, connection dropped: ${(err as Error).message}`);
        socket.destroy();
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      try {
        handle(decoder.end());
      } catch (err) {
        this.log(`decoder failed at the end: ${(err as Error).message}`);
      }
    });
  }

  private async keepTicket(decoded: DecodedTicket): Promise<void> {
    let png: Buffer;
    try {
      png = await ticketPng(decoded);
    } catch (err) {
      this.log(`preview failed: ${(err as Error).message}`);
      png = Buffer.alloc(0);
    }
    const ticket: PrintedTicket = { text: ticketText(decoded), png, receivedAt: new Date(), decoded };
    this.tickets.push(ticket);
    if (this.tickets.length > this.keep) this.tickets.shift();
    this.emit('ticket', ticket);
  }
}
