// Runs a workflow machine: feeds it device and UI events one at a time, performs the
// commands it returns (read the chip, capture the face, decide and record, timers), and
// publishes what the screen should show. Results of work that was cancelled meanwhile
// (a read after the card was pulled, a capture after a timeout) are dropped by generation.
import { EventEmitter } from 'node:events';
import type { DocumentRead } from '../../../drivers/emrtd/reader.js';
import type { CheckInRecord } from '../../protocol/registry-protocol.js';
import type { KioskStore } from '../../store/kiosk-store.js';
import { chipFacts } from '../chip-facts.js';
import type { FaceStep } from '../face-step.js';
import type { Logger } from '../logger.js';
import type { ReaderService } from '../reader-service.js';
import type { ReferenceData } from '../reference-data.js';
import type { TicketDocument } from '../../../drivers/printer/document.js';
import { ticketDocument } from '../ticket.js';
import { decide, patientFacts, siteDay, type CheckInRow, type Decision } from './decision.js';
import { machineFor, type Machine } from './machine.js';
import type { Command, State, TimerName, WorkflowEvent } from './types.js';

/** Milliseconds each stage took, for the bench and the logs (no personal data). */
export interface CheckinTimings {
  read: number | null;
  face: number | null;
  decide: number;
  record: number;
}

export interface Decided {
  decision: Decision;
  record: CheckInRecord;
  timings: CheckinTimings;
}

export interface RunnerOptions {
  site: () => string;
  store: KioskStore;
  reference: ReferenceData;
  readers: ReaderService;
  face: FaceStep | null;
  log: Logger;
  now?: () => Date;
  /** Told right after a check-in is durable (to wake the sync). */
  onRecorded?(record: CheckInRecord): void;
  /** Hospital: the ticket printer (null: none; the number is shown on screen only). */
  printer?: { print(doc: TicketDocument): Promise<{ ok: true } | { ok: false; reason: string; detail: string }> } | null;
  /** This kiosk's letter for queue numbers (given at enrolment). */
  ticketPrefix?: () => string;
  /**
   * Airport: asks the registry whether this passenger already boarded this flight at any
   * kiosk of the site, and claims the boarding if not ('offline': the kiosk's own record decides).
   */
  boardingClaim?: (c: { idNumber: string; flight: string; date: string }) => Promise<'boarded' | 'free' | 'offline'>;
  /** Airport: the gate to open for an admitted passenger, for the site's seconds. */
  gate?: { open(seconds: number): Promise<{ ok: boolean }> } | null;
}

/** The last ticket issued here, for staff to reprint (no personal data on it). */
export interface IssuedTicket {
  number: string;
  clinic: string;
  doc: TicketDocument;
  printed: boolean;
}

type Events = { state: [State]; decided: [Decided]; problem: [string] };

export class WorkflowRunner extends EventEmitter<Events> {
  private machine: Machine;
  private state: State;
  private readonly timers = new Map<TimerName, NodeJS.Timeout>();
  private generation = 0;
  private read: { abort: AbortController } | null = null;
  private capture: AbortController | null = null;
  private timings: { read: number | null; face: number | null; faceStart: number } = { read: null, face: null, faceStart: 0 };
  private readonly queue: WorkflowEvent[] = [];
  private busy = false;
  /** When the result screen goes back to idle (for its countdown), or null. */
  private resultDeadline: number | null = null;
  lastTicket: IssuedTicket | null = null;

  constructor(private readonly o: RunnerOptions) {
    super();
    this.machine = machineFor(o.reference.siteConfig.kind);
    this.state = this.machine.initial;
    // A new site configuration changes the workflow between people, never in the middle of one.
    o.reference.on('changed', () => {
      if (this.state.screen === 'idle' && this.machine.kind !== o.reference.siteConfig.kind) {
        this.machine = machineFor(o.reference.siteConfig.kind);
        this.state = this.machine.initial;
        this.emit('state', this.state);
      }
    });
  }

  get current(): State {
    return this.state;
  }

  /** Milliseconds until the result screen goes back to idle, or null when no countdown runs. */
  countdownMs(): number | null {
    return this.resultDeadline === null ? null : Math.max(0, this.resultDeadline - Date.now());
  }

  get kind(): Machine['kind'] {
    return this.machine.kind;
  }

  /** Events are handled strictly one after another, in arrival order. */
  dispatch(event: WorkflowEvent): void {
    this.queue.push(event);
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length) this.step(this.queue.shift()!);
    } finally {
      this.busy = false;
    }
  }

  private step(event: WorkflowEvent): void {
    const f = this.o.reference.siteConfig.face;
    const policy = { faceRequired: f.required, faceRetries: f.retries, liveness: f.liveness };
    const before = this.state;
    const { state, commands } = this.machine.next(before, event, policy);
    this.state = state;
    for (const c of commands) this.perform(c);
    if (state !== before) this.emit('state', state);
  }

  private perform(c: Command): void {
    switch (c.type) {
      case 'set-timer': {
        const t = this.o.reference.siteConfig.timeouts;
        const ms = { wait: t.waitMs, read: t.readMs, face: t.faceMs, result: t.resultMs }[c.timer];
        this.clearTimer(c.timer);
        const gen = this.generation;
        const timer = setTimeout(() => gen === this.generation && this.dispatch({ type: 'timeout', timer: c.timer }), ms);
        timer.unref();
        this.timers.set(c.timer, timer);
        if (c.timer === 'result') this.resultDeadline = Date.now() + ms;
        return;
      }
      case 'clear-timers':
        for (const name of [...this.timers.keys()]) this.clearTimer(name);
        this.resultDeadline = null;
        return;
      case 'look-up-patient': {
        const id = this.state.ctx.chip?.idNumber ?? null;
        const today = siteDay(this.o.now?.() ?? new Date());
        const facts = patientFacts(id ? this.o.reference.patient(id) : null, today);
        queueMicrotask(() => this.dispatch({ type: 'patient', patient: facts }));
        return;
      }
      case 'start-read':
        return this.startRead(c.reader, c);
      case 'cancel-read':
        this.read?.abort.abort();
        this.read = null;
        return;
      case 'start-face':
        return this.startFace();
      case 'stop-face':
        this.capture?.abort();
        this.capture = null;
        return;
      case 'decide-and-record':
        return this.decideAndRecord();
      case 'forget-person':
        return this.forget();
    }
  }

  private clearTimer(name: TimerName): void {
    const t = this.timers.get(name);
    if (t) clearTimeout(t);
    this.timers.delete(name);
  }

  private startRead(reader: string, c: Command & { type: 'start-read' }): void {
    this.read?.abort.abort();
    const abort = new AbortController();
    this.read = { abort };
    const gen = this.generation;
    const started = performance.now();
    const live = () => gen === this.generation && this.read?.abort === abort;
    this.o.readers
      .read(reader, c.access, {
        trust: this.o.reference.trust,
        // The machine's own read timer answers first; this one only guarantees the card is reset.
        timeoutMs: this.o.reference.siteConfig.timeouts.readMs + 1000,
        signal: abort.signal,
        onProgress: (p) => {
          if (live() && p.step === 'file') this.dispatch({ type: 'read-progress', read: p.read, total: p.total });
        },
      })
      .then(
        (doc: DocumentRead) => {
          if (!live()) return wipe(doc);
          this.read = null;
          this.timings.read = performance.now() - started;
          const facts = chipFacts(doc);
          if (doc.face && this.o.face) {
            this.o.face.prepareChip(doc.face.bytes);
          }
          wipe(doc);
          this.dispatch({ type: 'read-done', chip: facts });
        },
        (err: { code?: string; message?: string }) => {
          if (!live()) return;
          this.read = null;
          const code = err.code === 'cancelled' ? 'card-removed' : err.code;
          const failure = code === 'card-removed' || code === 'access-denied' || code === 'timeout' ? code : 'unreadable';
          this.o.log.warn({ failure, reason: err.message }, 'card read failed');
          this.dispatch({ type: 'read-failed', failure, message: err.message ?? 'read failed' });
        },
      );
  }

  private startFace(): void {
    this.capture?.abort();
    const face = this.o.face;
    const gen = this.generation;
    if (!face || !face.available()) {
      queueMicrotask(
        () =>
          gen === this.generation &&
          this.dispatch({ type: 'face-done', result: { kind: 'unavailable', why: face ? 'no camera' : 'no face service' } }),
      );
      return;
    }
    const abort = new AbortController();
    this.capture = abort;
    this.timings.faceStart = performance.now();
    const live = () => gen === this.generation && this.capture === abort;
    face
      .capture(this.o.reference.siteConfig.face, {
        signal: abort.signal,
        onGuidance: (guidance, goodFrames) => live() && this.dispatch({ type: 'face-guidance', guidance, goodFrames }),
      })
      .then(
        (result) => {
          if (!live()) return;
          this.capture = null;
          this.timings.face = (this.timings.face ?? 0) + performance.now() - this.timings.faceStart;
          if (result.kind === 'unavailable') this.o.log.warn({ why: result.why }, 'the face could not be checked');
          this.dispatch({ type: 'face-done', result });
        },
        (err: Error) => {
          if (!live()) return;
          this.capture = null;
          this.o.log.error({ err: err.message }, 'face step failed');
          this.dispatch({ type: 'face-done', result: { kind: 'unavailable', why: err.message } });
        },
      );
  }

  private decideAndRecord(): void {
    const now = this.o.now?.() ?? new Date();
    const c = this.state.ctx;
    const config = this.o.reference.siteConfig;
    const claim = this.o.boardingClaim;
    // Airport: a passenger the kiosk would admit is first claimed at the registry, which knows
    // the site's other gates (docs/AIRPORT.md); the person waits on "deciding" for its answer.
    if (config.kind === 'airport' && claim && c.chip?.idNumber && c.pass) {
      let provisional;
      try {
        provisional = this.decideWith(now, null);
      } catch {
        provisional = null;
      }
      const flight = provisional?.decision.flight?.id;
      if (provisional && provisional.decision.decision === 'admitted' && flight) {
        const gen = this.generation;
        void claim({ idNumber: c.chip.idNumber, flight, date: siteDay(now) })
          .catch(() => 'offline' as const)
          .then((answer) => {
            if (gen === this.generation) this.record(now, answer);
          });
        return;
      }
    }
    this.record(now, null);
  }

  private decideWith(now: Date, registry: 'boarded' | 'free' | 'offline' | null) {
    return decide({
      site: this.o.site(),
      config: this.o.reference.siteConfig,
      ctx: this.state.ctx,
      now,
      patient: (id) => this.o.reference.patient(id),
      flight: (key) => this.o.reference.flight(key),
      // The registry's answer when it gave one; else (offline, or not asked) this kiosk's own record.
      // The site day starts at 00:00 in Vietnam (UTC+7).
      alreadyBoarded: (id, flight, day) =>
        registry === 'boarded' ||
        (registry !== 'free' && this.o.store.admittedToFlight(id, flight, new Date(Date.parse(`${day}T00:00:00+07:00`)).toISOString())),
    });
  }

  private record(now: Date, registry: 'boarded' | 'free' | 'offline' | null): void {
    const t0 = performance.now();
    let decided;
    let record: CheckInRecord;
    let t1 = t0;
    try {
      decided = this.decideWith(now, registry);
      if (registry) decided.row.verification['boarding'] = registry === 'offline' ? 'kiosk-record' : `registry-${registry}`;
      t1 = performance.now();
      const ticket = this.issueTicket(decided, now);
      const gate = this.gateFor(decided.decision);
      record = this.o.store.record(decided.row, now.getTime());
      // Staff may reprint only a ticket whose check-in is recorded.
      if (ticket) this.lastTicket = ticket;
      if (ticket) this.printTicket(ticket);
      if (gate) this.openGate(gate);
    } catch (err) {
      this.o.log.error({ err: (err as Error).message }, 'the check-in could not be recorded');
      this.emit('problem', `the check-in could not be recorded: ${(err as Error).message}`);
      queueMicrotask(() => this.dispatch({ type: 'record-failed', message: (err as Error).message }));
      return;
    }
    const timings: CheckinTimings = { read: this.timings.read, face: this.timings.face, decide: t1 - t0, record: performance.now() - t1 };
    this.o.log.info(
      {
        decision: record.decision,
        reasons: record.reasons,
        faceCheck: record.verification['face'],
        matchScore: record.matchScore,
        // The liveness model's score stays on the kiosk, in its log, for the technician tuning the threshold.
        liveScore:
          this.current.ctx.face && 'liveScore' in this.current.ctx.face ? Math.round(this.current.ctx.face.liveScore * 1000) / 1000 : null,
        seq: record.seq,
        // `face` is a redacted key in the logger: the stage is logged as faceStep.
        ms: roundAll({ read: timings.read, faceStep: timings.face, decide: timings.decide, record: timings.record }),
      },
      'check-in recorded',
    );
    this.o.onRecorded?.(record);
    this.emit('decided', { decision: decided.decision, record, timings });
    queueMicrotask(() => this.dispatch({ type: 'recorded', decision: decided.decision }));
  }

  /**
   * Hospital, admitted to a clinic: the next number of that clinic today, durable before it is
   * recorded, shown or printed. The row keeps the number (with the visit) for the registry.
   */
  private issueTicket(decided: { decision: Decision; row: CheckInRow }, now: Date): IssuedTicket | null {
    const config = this.o.reference.siteConfig;
    const clinicId = this.state.ctx.clinic;
    if (config.kind !== 'hospital' || decided.decision.decision !== 'admitted' || !clinicId) return null;
    const clinic = config.clinics.find((c) => c.id === clinicId);
    if (!clinic) return null;
    const n = this.o.store.issueTicket(siteDay(now), clinic.id);
    const number = `${this.o.ticketPrefix?.() ?? 'K'}${String(n).padStart(3, '0')}`;
    const waitMinutes = Math.min(1440, (n - 1) * clinic.minutesPerPatient);
    decided.decision.ticket = { number, clinic: clinic.id, waitMinutes, printed: this.o.printer ? 'pending' : 'none' };
    decided.row.identity = { ...(decided.row.identity ?? {}), ticket: number };
    const doc = ticketDocument({
      siteName: config.name,
      number,
      clinic,
      waitMinutes,
      payment: decided.decision.payment ?? 'insurance',
      issuedAt: now,
    });
    return { number, clinic: clinic.id, doc, printed: false };
  }

  /** Airport, admitted: the gate opens once the check-in is durable; the screen says whether it could. */
  private gateFor(decision: Decision): number | null {
    const config = this.o.reference.siteConfig;
    if (config.kind !== 'airport' || decision.decision !== 'admitted') return null;
    decision.gate = this.o.gate ? 'open' : 'none';
    return this.o.gate ? config.airport.gateOpenSeconds : null;
  }

  private openGate(seconds: number): void {
    const gate = this.o.gate;
    if (!gate) return;
    const gen = this.generation;
    void gate
      .open(seconds)
      .catch(() => ({ ok: false }))
      .then((r) => {
        if (!r.ok) this.o.log.error({ seconds }, 'the gate did not open for an admitted passenger');
        if (!r.ok && gen === this.generation) this.dispatch({ type: 'gate-failed' });
      });
  }

  private printTicket(ticket: IssuedTicket): void {
    const printer = this.o.printer;
    if (!printer) return;
    const gen = this.generation;
    void this.print(ticket).then((ok) => {
      // The screen hears of it only while the same person is there.
      if (gen === this.generation) this.dispatch({ type: 'printed', ok });
    });
  }

  /** Prints (or reprints) a ticket; never throws. */
  async print(ticket: IssuedTicket): Promise<boolean> {
    if (!this.o.printer) return false;
    const r = await this.o.printer.print(ticket.doc).catch((err: Error) => ({ ok: false as const, reason: 'error', detail: err.message }));
    if (r.ok) ticket.printed = true;
    else this.o.log.warn({ ticket: ticket.number, reason: r.reason, detail: r.detail }, 'the ticket could not be printed');
    return r.ok;
  }

  private forget(): void {
    this.generation++;
    this.read?.abort.abort();
    this.read = null;
    this.capture?.abort();
    this.capture = null;
    this.o.face?.forget();
    this.timings = { read: null, face: null, faceStart: 0 };
  }

  stop(): void {
    this.dispatch({ type: 'cancel' });
    for (const name of [...this.timers.keys()]) this.clearTimer(name);
  }
}

/** The chip's bytes leave memory as soon as the facts are taken (the photo is copied for the face step first). */
function wipe(doc: DocumentRead): void {
  doc.face?.bytes.fill(0);
  for (const b of doc.files.values()) b.fill(0);
}

function roundAll(t: Record<string, number | null>): Record<string, number | null> {
  return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v === null ? null : Math.round(v)]));
}

export { siteDay };
