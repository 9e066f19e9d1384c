// The vpcd protocol (vsmartcard): the virtual card connects to the TCP port where pcscd's
// vpcd driver listens; each message is a 2-byte big-endian length and a payload. From vpcd:
// one byte 00 power off, 01 power on, 02 reset, 04 "send the ATR"; anything longer is a
// command APDU. The card answers the ATR request and every APDU; closing the connection
// is the card leaving the reader.
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { VirtualCard } from './card.js';
import { linkDelayMs, preciseWait } from './link.js';
import { quickAck } from './quick-ack.js';

export const VPCD_DEFAULT_PORT = 0x8c7b; // 35963

const CTRL = { POWER_OFF: 0, POWER_ON: 1, RESET: 2, GET_ATR: 4 } as const;

export interface VpcdCardOptions {
  host?: string;
  port: number;
  card: VirtualCard;
  /** Wait the link's time per exchange (bit rate and turnaround), as a real card would. */
  delays?: boolean;
  /** Give up connecting after this long (pcscd may still be starting). */
  connectTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Splits a byte stream into vpcd messages (a 2-byte length bounds each to 65,535 bytes). */
export class VpcdFramer {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buf.length >= 2) {
      const len = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + len) break;
      out.push(this.buf.subarray(2, 2 + len));
      this.buf = this.buf.subarray(2 + len);
    }
    return out;
  }
}

export function vpcdFrame(payload: Uint8Array): Buffer {
  const b = Buffer.alloc(2 + payload.length);
  b.writeUInt16BE(payload.length, 0);
  b.set(payload, 2);
  return b;
}

/** A virtual card in a vpcd slot. `remove()` takes it out; `done` settles when the connection ends. */
export class VpcdCard {
  apdus = 0;
  bytes = 0;
  readonly done: Promise<void>;
  private socket!: Socket;

  private constructor(private readonly o: VpcdCardOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }
  private resolveDone!: () => void;

  static async insert(o: VpcdCardOptions): Promise<VpcdCard> {
    const card = new VpcdCard(o);
    await card.open();
    return card;
  }

  private async open(): Promise<void> {
    const deadline = Date.now() + (this.o.connectTimeoutMs ?? 10_000);
    for (;;) {
      try {
        this.socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect({ host: this.o.host ?? '127.0.0.1', port: this.o.port });
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`cannot reach vpcd on port ${this.o.port}: ${(err as Error).message} (is pcscd running with vsmartcard-vpcd?)`);
        await sleep(100);
      }
    }
    this.socket.setNoDelay(true);
    quickAck(this.socket);
    const framer = new VpcdFramer();
    let queue = Promise.resolve();
    this.socket.on('data', (chunk: Buffer) => {
      quickAck(this.socket);
      for (const msg of framer.push(chunk)) queue = queue.then(() => this.handle(msg));
    });
    this.socket.on('close', () => this.resolveDone());
    this.socket.on('error', () => undefined);
  }

  private async handle(msg: Buffer): Promise<void> {
    const { card } = this.o;
    if (this.socket.destroyed) return;
    if (msg.length === 1) {
      const c = msg[0];
      if (c === CTRL.GET_ATR) {
        this.socket.write(vpcdFrame(card.chip.atr));
        quickAck(this.socket);
      } else if (c === CTRL.POWER_ON || c === CTRL.RESET || c === CTRL.POWER_OFF) card.chip.reset();
      return;
    }
    if (card.removeAfter !== null && this.apdus >= card.removeAfter) {
      this.o.log?.(`card removed after ${this.apdus} APDUs`);
      this.remove();
      return;
    }
    this.apdus++;
    const started = performance.now();
    const response = card.chip.process(new Uint8Array(msg));
    this.bytes += msg.length + response.length;
    this.o.log?.(`> ${msg.toString('hex')}\n< ${Buffer.from(response).toString('hex')}`);
    // The link's turnaround is the card's processing time: our own compute counts toward it.
    if (this.o.delays) await preciseWait(linkDelayMs(card.link, msg.length, response.length) - (performance.now() - started));
    if (!this.socket.destroyed) {
      this.socket.write(vpcdFrame(response));
      quickAck(this.socket);
    }
  }

  remove(): void {
    this.socket.destroy();
  }
}
