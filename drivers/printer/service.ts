// The kiosk's printer: polls its real-time status (event 'status' on every change), and
// prints tickets after checking that it can. Device problems are results and statuses,
// never exceptions; 'error' is emitted only for the unexpected, and only to a listener.
import { EventEmitter } from 'node:events';
import type { TicketDocument } from './document.js';
import { DocumentError, encodeTicket, type EncodeOptions } from './encode.js';
import { parseStatusReply, STATUS_REQUEST, StatusParseError, type PrinterStatus } from './status.js';
import { TransportError, type PrinterTransport, type TransportFailure } from './transport.js';

export type PrintFailure = 'paper-out' | 'cover-open' | 'unreachable' | 'timeout' | 'error';
export type PrintResult = { ok: true } | { ok: false; reason: PrintFailure; detail: string };

export interface PrinterServiceOptions {
  transport: PrinterTransport;
  encode: EncodeOptions;
  /** Between status polls (default 2000 ms). */
  pollMs?: number;
  /** For one status reply (default 2000 ms). */
  statusTimeoutMs?: number;
  /** For sending one ticket (default 15000 ms: a raster ticket is tens of KB on a slow serial line). */
  printTimeoutMs?: number;
}

export class PrinterService extends EventEmitter {
  private last: PrinterStatus = { state: 'unreachable', detail: 'not asked yet' };
  private lastFailure: TransportFailure | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly pollMs: number;
  private readonly statusTimeoutMs: number;
  private readonly printTimeoutMs: number;

  constructor(private readonly options: PrinterServiceOptions) {
    super();
    this.pollMs = options.pollMs ?? 2000;
    this.statusTimeoutMs = options.statusTimeoutMs ?? 2000;
    this.printTimeoutMs = options.printTimeoutMs ?? 15_000;
  }

  get transportName(): string {
    return this.options.transport.name;
  }

  /** The last status seen. */
  get status(): PrinterStatus {
    return this.last;
  }

  /** Starts polling at once; the first 'status' event follows the first reply (or its absence). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.queue.catch(() => {});
    await this.options.transport.close();
  }

  /** Asks the printer now (between other exchanges, never during one). */
  checkStatus(): Promise<PrinterStatus> {
    return this.serialized(() => this.query());
  }

  /** Prints a ticket if the printer is ready for it. Never throws for a device problem. */
  print(doc: TicketDocument): Promise<PrintResult> {
    return this.serialized(async (): Promise<PrintResult> => {
      const before = await this.query();
      const refused = this.refusal(before);
      if (refused) return refused;
      let bytes: Uint8Array;
      try {
        bytes = await encodeTicket(doc, this.options.encode);
      } catch (err) {
        const detail =
          err instanceof DocumentError ? `the ticket is not printable: ${err.message}` : `encoding failed: ${(err as Error).message}`;
        return { ok: false, reason: 'error', detail };
      }
      try {
        await this.options.transport.exchange(bytes, 0, this.printTimeoutMs);
      } catch (err) {
        const e = err instanceof TransportError ? err : new TransportError('error', String(err));
        this.update({ state: 'unreachable', detail: e.message });
        return { ok: false, reason: e.kind, detail: e.message };
      }
      // A roll that ran out or a cover opened during the ticket shows in the status after it.
      const after = await this.query();
      const late = this.refusal(after);
      return late ? { ...late, detail: `while printing: ${late.detail}` } : { ok: true };
    });
  }

  private refusal(status: PrinterStatus): Extract<PrintResult, { ok: false }> | null {
    switch (status.state) {
      case 'ready':
      case 'paper-low':
        return null;
      case 'paper-out':
      case 'cover-open':
        return { ok: false, reason: status.state, detail: status.detail };
      case 'unreachable':
        return { ok: false, reason: this.lastFailure === 'timeout' ? 'timeout' : 'unreachable', detail: status.detail };
      default:
        return { ok: false, reason: 'error', detail: status.detail };
    }
  }

  private async query(): Promise<PrinterStatus> {
    let status: PrinterStatus;
    this.lastFailure = null;
    try {
      const reply = await this.options.transport.exchange(STATUS_REQUEST, 3, this.statusTimeoutMs);
      status = parseStatusReply(reply);
    } catch (err) {
      if (err instanceof StatusParseError) {
        // Out of step with the printer: start again on a fresh connection.
        await this.options.transport.close();
        status = { state: 'error', detail: `status reply not understood: ${err.message}` };
      } else if (err instanceof TransportError) {
        this.lastFailure = err.kind;
        status = { state: 'unreachable', detail: err.message };
      } else throw err;
    }
    this.update(status);
    return status;
  }

  private update(status: PrinterStatus): void {
    const changed = status.state !== this.last.state || status.detail !== this.last.detail;
    this.last = status;
    if (changed) this.emit('status', status);
  }

  private async poll(): Promise<void> {
    if (!this.running) return;
    try {
      await this.checkStatus();
    } catch (err) {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    }
    if (!this.running) return;
    this.timer = setTimeout(() => void this.poll(), this.pollMs);
    this.timer.unref();
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }
}
