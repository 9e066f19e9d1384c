// The virtual boarding gate: a Modbus TCP server on loopback, as a kiosk's GateService sees
// a gate controller. Its open coil drives the gate; a discrete input reports it open, another
// its fault. It records every opening, closes by itself a moment after the coil goes false,
// and emits 'opened' and 'closed' (GateOpening) for the console and the tests. Malformed
// requests are answered with a Modbus exception; a stream that cannot be framed is dropped.
import { EventEmitter } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import {
  decodeRequest,
  encodeAdu,
  encodeResponse,
  EXCEPTION,
  exceptionPdu,
  splitFrames,
  type Adu,
  type ModbusRequest,
} from './modbus-frame.js';

export type VirtualGateState = 'closed' | 'open' | 'fault';

export interface GateOpening {
  at: Date;
  /** How long the coil held it open; null while it still does. */
  seconds: number | null;
}

export interface VirtualGateOptions {
  /** 0 = any free port (see `port` after start). */
  port?: number;
  unitId?: number;
  /** Addresses: the open coil, and the discrete inputs for "open" and "fault". */
  openCoil?: number;
  openInput?: number;
  faultInput?: number;
  /** How long the flaps take to close once the coil is false (default 300 ms). */
  closeDelayMs?: number;
  fault?: boolean;
  /** Why a connection was dropped. */
  log?: (line: string) => void;
}

/** Coils and discrete inputs the controller has (addresses 0..BITS-1). */
export const VIRTUAL_GATE_BITS = 16;
/** A client sending more than this without a whole frame is not speaking Modbus. */
const MAX_PENDING = 1024;

/**
 * Emits 'opened', 'closed' (GateOpening), 'exception' (the code a request was answered with),
 * 'malformed' (why a connection was dropped) and 'error' (only to a listener).
 */
export class VirtualGate extends EventEmitter {
  readonly openings: GateOpening[] = [];
  private readonly coils = new Array<boolean>(VIRTUAL_GATE_BITS).fill(false);
  private fault: boolean;
  private heldByHand = false;
  private physicallyOpen = false;
  private current: GateOpening | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly unitId: number;
  private readonly openCoil: number;
  private readonly openInput: number;
  private readonly faultInput: number;
  private readonly closeDelayMs: number;
  private readonly log: (line: string) => void;

  constructor(private readonly options: VirtualGateOptions = {}) {
    super();
    this.unitId = options.unitId ?? 1;
    this.openCoil = options.openCoil ?? 0;
    this.openInput = options.openInput ?? 0;
    this.faultInput = options.faultInput ?? 1;
    this.closeDelayMs = options.closeDelayMs ?? 300;
    this.fault = options.fault ?? false;
    this.log = options.log ?? (() => {});
  }

  /** The Modbus address a kiosk's gate configuration points at this gate with (`--gate`, docs/GATE.md). */
  get address(): string {
    return `modbus://127.0.0.1:${this.port}?unit=${this.unitId}&coil=${this.openCoil}&open-input=${this.openInput}&fault-input=${this.faultInput}`;
  }

  get port(): number {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : (this.options.port ?? 0);
  }

  get state(): VirtualGateState {
    return this.fault ? 'fault' : this.physicallyOpen || this.heldByHand ? 'open' : 'closed';
  }

  /** 'fault' raises the fault input; 'open' holds the gate open by hand; 'closed' clears both. */
  setState(state: VirtualGateState): void {
    this.fault = state === 'fault';
    this.heldByHand = state === 'open';
    this.settle();
  }

  /** The open coil as the kiosk last wrote it. */
  get coil(): boolean {
    return this.coils[this.openCoil] ?? false;
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

  /** Stops at once, dropping its connections as a controller switched off does. */
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Waits for the next event of that name (tests). */
  next(event: 'opened' | 'closed', timeoutMs = 5000): Promise<GateOpening> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, got);
        reject(new Error(`virtual gate: not ${event} within ${timeoutMs} ms`));
      }, timeoutMs);
      const got = (o: GateOpening) => {
        clearTimeout(timer);
        resolve(o);
      };
      this.once(event, got);
    });
  }

  /** Moves the flaps to follow the coil and the fault. */
  private settle(): void {
    const driven = this.coil && !this.fault;
    if (driven) {
      if (this.closeTimer) clearTimeout(this.closeTimer);
      this.closeTimer = null;
      if (this.physicallyOpen) return;
      this.physicallyOpen = true;
      this.current = { at: new Date(), seconds: null };
      this.openings.push(this.current);
      this.emit('opened', this.current);
      return;
    }
    if (!this.physicallyOpen || this.closeTimer) return;
    const opening = this.current;
    if (opening && opening.seconds === null) opening.seconds = (Date.now() - opening.at.getTime()) / 1000;
    this.closeTimer = setTimeout(() => {
      this.closeTimer = null;
      this.physicallyOpen = false;
      this.current = null;
      if (opening) this.emit('closed', opening);
    }, this.closeDelayMs);
  }

  private discreteInputs(): boolean[] {
    const bits = new Array<boolean>(VIRTUAL_GATE_BITS).fill(false);
    bits[this.openInput] = this.state === 'open';
    bits[this.faultInput] = this.fault;
    return bits;
  }

  /** The reply PDU to one request PDU. */
  answer(adu: Adu): Uint8Array {
    const fc = adu.pdu[0] ?? 0;
    // A gateway names a unit it has no device for so; a bare controller would stay silent.
    if (adu.unitId !== this.unitId) return exceptionPdu(fc, EXCEPTION.gatewayTargetFailed);
    const decoded = decodeRequest(adu.pdu);
    if (!decoded.ok) return exceptionPdu(decoded.fc, decoded.exception);
    const req = decoded.request;
    const count = 'quantity' in req ? req.quantity : 'values' in req ? req.values.length : 1;
    if (req.address + count > VIRTUAL_GATE_BITS) return exceptionPdu(req.fc, EXCEPTION.illegalDataAddress);
    return encodeResponse(req, this.perform(req));
  }

  private perform(req: ModbusRequest): boolean[] {
    switch (req.fc) {
      case 1:
        return this.coils.slice(req.address, req.address + req.quantity);
      case 2:
        return this.discreteInputs().slice(req.address, req.address + req.quantity);
      case 5:
        this.coils[req.address] = req.value;
        break;
      case 15:
        req.values.forEach((v, i) => (this.coils[req.address + i] = v));
        break;
    }
    this.settle();
    return [];
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Uint8Array = new Uint8Array(0);
    socket.on('data', (chunk: Buffer) => {
      const all = new Uint8Array(pending.length + chunk.length);
      all.set(pending);
      all.set(chunk, pending.length);
      const split = splitFrames(all);
      if (!split.ok || split.rest.length > MAX_PENDING) {
        const reason = split.ok ? 'too many bytes without a frame' : split.reason;
        this.log(`malformed stream, connection dropped: ${reason}`);
        this.emit('malformed', reason);
        socket.destroy();
        return;
      }
      pending = split.rest;
      for (const adu of split.frames) {
        const pdu = this.answer(adu);
        if (pdu[0]! & 0x80) this.emit('exception', pdu[1]);
        if (!socket.destroyed) socket.write(encodeAdu({ transactionId: adu.transactionId, unitId: adu.unitId, pdu }));
      }
    });
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }
}
