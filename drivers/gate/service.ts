// The kiosk's boarding gate over Modbus: opens it by its coil, polls its state and fault
// inputs (event 'state' on every change) and makes sure the coil goes back to false — after
// the opening, after a failed write once the controller answers again, and at start, so that
// a kiosk that crashed mid-opening does not leave the gate held open. Device problems are
// results and states, never exceptions; 'error' is emitted only for the unexpected, and only
// to a listener.
import { EventEmitter } from 'node:events';
import type { GateBit, GateConfig } from './config.js';
import type { Gate, GateResult, GateState } from './gate.js';
import { ModbusLinkError, type ModbusLink } from './modbus-link.js';

export interface GateServiceOptions {
  config: GateConfig;
  link: ModbusLink;
}

type Refusal = Extract<GateResult, { ok: false }>;

export class GateService extends EventEmitter implements Gate {
  private last: GateState = { state: 'unreachable', detail: 'not asked yet' };
  private queue: Promise<unknown> = Promise.resolve();
  private pollTimer: NodeJS.Timeout | null = null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private running = false;
  /** When the open coil is due back to false (null: not held). */
  private coilHeldUntil: number | null = null;
  /** The coil may be true on the controller and nothing holds it: write false at next contact. */
  private releasePending = true;
  /** The end of the current opening, for the state when no input reports it. */
  private openUntil = 0;
  private readonly config: GateConfig;
  private readonly link: ModbusLink;

  constructor(options: GateServiceOptions) {
    super();
    this.config = options.config;
    this.link = options.link;
  }

  get linkName(): string {
    return this.link.name;
  }

  state(): GateState {
    return this.last;
  }

  /** Starts polling at once; the first 'state' event follows the first reply (or its absence). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.poll();
  }

  /** Stops polling; a coil still held is released first (best effort), then the link closed. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.pollTimer) clearTimeout(this.pollTimer);
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.pollTimer = this.deadlineTimer = null;
    if (this.coilHeldUntil !== null) {
      this.coilHeldUntil = null;
      this.releasePending = true;
    }
    if (this.releasePending) await this.serialized(() => this.release()).catch(() => {});
    await this.queue.catch(() => {});
    await this.link.close();
  }

  /** Reads the controller now (between other exchanges, never during one). */
  refresh(): Promise<GateState> {
    return this.serialized(() => this.query());
  }

  open(seconds: number): Promise<GateResult> {
    const max = this.config.maxOpenSeconds;
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > max)
      return Promise.reject(new RangeError(`open(${seconds}): seconds must be > 0 and <= ${max}`));
    return this.serialized(async (): Promise<GateResult> => {
      const { openCoil, faultInput, openMode, pulseMs } = this.config;
      try {
        // A gate in fault may not move safely: ask before every opening, not from the last poll.
        if (faultInput && (await this.readBit(faultInput))) {
          this.update({ state: 'fault', detail: this.faultDetail(faultInput) });
          return { ok: false, reason: 'fault', detail: this.last.detail };
        }
        await this.link.writeCoil(openCoil, true);
      } catch (err) {
        // A write that timed out may have reached the controller: make sure it comes back false.
        if (err instanceof ModbusLinkError && err.kind === 'timeout') this.releasePending = true;
        return this.failed(err);
      }
      const now = Date.now();
      this.openUntil = Math.max(this.openUntil, now + seconds * 1000);
      const heldFor = openMode === 'hold' ? this.openUntil - now : pulseMs;
      this.coilHeldUntil = Math.max(this.coilHeldUntil ?? 0, now + heldFor);
      this.releasePending = false;
      this.scheduleDeadline();
      await this.query();
      // The controller took the command; a state input that lags shows at the next poll.
      if (this.last.state === 'closed' || this.last.state === 'unreachable')
        this.update({ state: 'open', detail: `opened for ${seconds} s` });
      return { ok: true };
    });
  }

  private faultDetail(bit: GateBit): string {
    return `fault: ${bit.table} ${bit.address} is ${bit.activeWhen ? 'on' : 'off'} (${this.link.name})`;
  }

  private async readBit(bit: GateBit): Promise<boolean> {
    const [value] = await this.link.readBits(bit.table, bit.address, 1);
    return value === bit.activeWhen;
  }

  private failed(err: unknown): Refusal {
    if (!(err instanceof ModbusLinkError)) throw err;
    if (err.kind === 'exception') {
      // The controller refuses the addresses we were given: a configuration or device fault.
      this.update({ state: 'fault', detail: err.message });
      return { ok: false, reason: 'fault', detail: err.message };
    }
    this.update({ state: 'unreachable', detail: err.message });
    return { ok: false, reason: err.kind, detail: err.message };
  }

  private async release(): Promise<void> {
    await this.link.writeCoil(this.config.openCoil, false);
    this.releasePending = false;
  }

  private async query(): Promise<GateState> {
    const { stateInput, faultInput, openCoil } = this.config;
    try {
      if (this.releasePending && this.coilHeldUntil === null) await this.release();
      if (faultInput && (await this.readBit(faultInput))) {
        this.update({ state: 'fault', detail: this.faultDetail(faultInput) });
      } else if (stateInput) {
        const open = await this.readBit(stateInput);
        this.update({ state: open ? 'open' : 'closed', detail: `${stateInput.table} ${stateInput.address} (${this.link.name})` });
      } else {
        // No input reports the gate: it is what the coil was told.
        const open = Date.now() < this.openUntil;
        this.update({ state: open ? 'open' : 'closed', detail: `as commanded on coil ${openCoil} (${this.link.name})` });
      }
    } catch (err) {
      this.failed(err);
    }
    return this.last;
  }

  /** One timer for the next due moment: the coil back to false, or the opening's end. */
  private scheduleDeadline(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = null;
    const now = Date.now();
    const due = [this.coilHeldUntil, this.openUntil > now ? this.openUntil : null].filter((t): t is number => t !== null);
    if (due.length === 0) return;
    this.deadlineTimer = setTimeout(() => void this.onDeadline(), Math.max(0, Math.min(...due) - now));
    this.deadlineTimer.unref();
  }

  private async onDeadline(): Promise<void> {
    this.deadlineTimer = null;
    try {
      await this.serialized(async () => {
        if (this.coilHeldUntil !== null && Date.now() >= this.coilHeldUntil) {
          this.coilHeldUntil = null;
          this.releasePending = true;
        }
        // query() writes the coil false (or leaves it pending for the next poll if it cannot).
        await this.query();
      });
    } catch (err) {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    }
    this.scheduleDeadline();
  }

  private update(state: GateState): void {
    const changed = state.state !== this.last.state || state.detail !== this.last.detail;
    this.last = state;
    if (changed) this.emit('state', state);
  }

  private async poll(): Promise<void> {
    if (!this.running) return;
    try {
      await this.refresh();
    } catch (err) {
      if (this.listenerCount('error') > 0) this.emit('error', err);
    }
    if (!this.running) return;
    this.pollTimer = setTimeout(() => void this.poll(), this.config.pollMs);
    this.pollTimer.unref();
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => {});
    return run;
  }
}
