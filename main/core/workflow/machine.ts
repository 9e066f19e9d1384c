// The check-in workflows as pure state machines: (state, event) → (state, commands). No I/O,
// no clock, no randomness, so every transition is tested by table (test/machine.test.ts).
// Hospital and airport share the walk — card and access key, chip read, face, decision,
// result — and differ in the boarding pass: the airport machine needs one before it decides
// and has a state to wait for it; the hospital machine says a pass is not used here.
//
//   idle ─card─► need-access ─QR/CAN─► reading ─done─► (waiting-pass) ─► face ─► deciding ─► result ─► idle
//   idle ─QR/pass─► waiting-card ─card─► reading …
// The hospital visit goes on after a passing chip and face, before the decision:
//   face ─► insurance ─continue─► (clinic ─choose─►) confirm ─confirm─► deciding ─► result (the ticket)
// A chip, face or read that fails goes straight to the decision: its result screen sends the
// person to the counter or to staff.
import {
  EMPTY_CONTEXT,
  type Command,
  type Context,
  type State,
  type Step,
  type WorkflowEvent,
  type WorkflowKind,
  type WorkflowPolicy,
} from './types.js';

export interface Machine {
  kind: WorkflowKind;
  initial: State;
  next(state: State, event: WorkflowEvent, policy: WorkflowPolicy): Step;
}

const idle = (notice: string | null = null): State => ({
  screen: 'idle',
  ctx: { ...EMPTY_CONTEXT, notice },
  progress: null,
  guidance: null,
  decision: null,
});

const at = (screen: State['screen'], ctx: Context, extra: Partial<State> = {}): State => ({
  screen,
  ctx,
  progress: null,
  guidance: null,
  decision: null,
  ...extra,
});

/** Back to idle: timers and any read or capture stop, and the person is forgotten. */
function reset(notice: string | null, also: Command[] = []): Step {
  return { state: idle(notice), commands: [...also, { type: 'clear-timers' }, { type: 'forget-person' }] };
}

function startRead(ctx: Context, reader: string): Step {
  return {
    state: at('reading', { ...ctx, reader, notice: null }, { progress: { read: 0, total: 0 } }),
    commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'read' }, { type: 'start-read', reader, access: ctx.access! }],
  };
}

function makeMachine(kind: WorkflowKind): Machine {
  const needsPass = kind === 'airport';

  /** After the chip (and at the airport the pass): the face step, or straight to the decision. */
  function afterChip(ctx: Context, policy: WorkflowPolicy): Step {
    if (needsPass && !ctx.pass)
      return { state: at('waiting-pass', ctx), commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'wait' }] };
    // A chip that failed its checks is refused on the chip alone: no need to look at the face.
    if (ctx.chip!.chipReasons.length > 0) return decide(ctx);
    if (!policy.faceRequired) return afterChecks(ctx, policy);
    // Nothing to compare a live face with: the face cannot be checked, which staff resolve.
    if (!ctx.chip!.hasFace) return decide({ ...ctx, face: { kind: 'unavailable', why: 'no face photo on the chip' } });
    return startFace({ ...ctx, faceAttempts: ctx.faceAttempts + 1 });
  }

  /** Hospital: the visit's own screens, once chip and face have passed. */
  function toInsurance(ctx: Context): Step {
    return {
      state: at('insurance', { ...ctx, notice: null }),
      commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'wait' }, { type: 'look-up-patient' }],
    };
  }

  /** Whether chip and face let the visit go on (else the decision sends the person to the counter or staff). */
  function passes(ctx: Context, policy: WorkflowPolicy): boolean {
    if (!ctx.chip || ctx.chip.chipReasons.length > 0) return false;
    const f = ctx.face;
    if (!f) return !policy.faceRequired;
    if (f.kind !== 'matched') return false;
    return f.live || (policy.liveness ?? 'record') === 'record';
  }

  /** Chip and face are done: the hospital visit goes on when they passed; everything else is decided now. */
  function afterChecks(ctx: Context, policy: WorkflowPolicy): Step {
    return !needsPass && passes(ctx, policy) ? toInsurance(ctx) : decide(ctx);
  }

  const waitOn = (screen: State['screen'], ctx: Context): Step => ({
    state: at(screen, ctx),
    commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'wait' }],
  });

  function startFace(ctx: Context): Step {
    return {
      state: at('face', ctx),
      commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'face' }, { type: 'start-face', attempt: ctx.faceAttempts }],
    };
  }

  function decide(ctx: Context): Step {
    return { state: at('deciding', ctx), commands: [{ type: 'clear-timers' }, { type: 'decide-and-record' }] };
  }

  function onScan(state: State, event: WorkflowEvent & { type: 'scan-pass' | 'scan-qr' | 'scan-unknown' }, policy: WorkflowPolicy): Step {
    const ctx = state.ctx;
    if (event.type === 'scan-unknown')
      return { state: { ...state, ctx: { ...ctx, notice: event.why === 'invalid' ? 'scan-invalid' : 'scan-unknown' } }, commands: [] };
    if (event.type === 'scan-pass') {
      if (!needsPass) return { state: { ...state, ctx: { ...ctx, notice: 'pass-not-used-here' } }, commands: [] };
      const withPass = { ...ctx, pass: event.pass, notice: null };
      switch (state.screen) {
        case 'idle':
          return { state: at('waiting-card', withPass), commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'wait' }] };
        case 'waiting-card':
        case 'need-access':
        case 'reading':
          // Kept for after the read; the newest pass wins (a person may scan the right one again).
          return { state: { ...state, ctx: withPass }, commands: [] };
        case 'waiting-pass':
          return afterChip(withPass, policy);
        default:
          return { state: { ...state, ctx: { ...ctx, notice: 'busy' } }, commands: [] };
      }
    }
    // A CCCD front QR code: the key that opens the chip.
    const withKey = { ...ctx, access: event.access, qrIdNumber: event.idNumber, notice: null };
    switch (state.screen) {
      case 'idle':
        return { state: at('waiting-card', withKey), commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'wait' }] };
      case 'waiting-card':
        return { state: { ...state, ctx: withKey }, commands: [] };
      case 'need-access':
        return startRead(withKey, ctx.reader!);
      default:
        return { state: { ...state, ctx: { ...ctx, notice: 'busy' } }, commands: [] };
    }
  }

  function next(state: State, event: WorkflowEvent, policy: WorkflowPolicy): Step {
    // On the result screen the next person may already begin (a busy gate does not wait for
    // the countdown): the previous person is forgotten first.
    if (
      state.screen === 'result' &&
      (event.type === 'card-inserted' || event.type === 'scan-pass' || event.type === 'scan-qr' || event.type === 'can-entered')
    ) {
      const first = reset(null);
      const then = next(first.state, event, policy);
      return { state: then.state, commands: [...first.commands, ...then.commands] };
    }
    const ctx = state.ctx;
    const stay: Step = { state, commands: [] };
    switch (event.type) {
      case 'cancel':
        return state.screen === 'deciding' ? stay : reset(null, [{ type: 'cancel-read' }, { type: 'stop-face' }]);
      case 'scan-pass':
      case 'scan-qr':
      case 'scan-unknown':
        return onScan(state, event, policy);
      case 'card-inserted':
        if (state.screen === 'idle' || state.screen === 'waiting-card') {
          const withReader = { ...ctx, reader: event.reader, notice: null };
          if (ctx.access) return startRead(withReader, event.reader);
          return { state: at('need-access', withReader), commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'wait' }] };
        }
        // A second card while one is being served: ignored, with a word on the screen.
        return { state: { ...state, ctx: { ...ctx, notice: 'one-card-at-a-time' } }, commands: [] };
      case 'card-removed':
        if (event.reader !== ctx.reader) return stay;
        if (state.screen === 'need-access') return reset('card-removed');
        if (state.screen === 'reading') return reset('card-removed-early', [{ type: 'cancel-read' }]);
        // After the read the card may go: the chip's data is in memory for this check-in only.
        return { state: { ...state, ctx: { ...ctx, reader: null } }, commands: [] };
      case 'can-entered':
        if (state.screen === 'need-access') return startRead({ ...ctx, access: event.access }, ctx.reader!);
        if (state.screen === 'idle' || state.screen === 'waiting-card')
          return {
            state: at('waiting-card', { ...ctx, access: event.access, notice: null }),
            commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'wait' }],
          };
        return stay;
      case 'read-progress':
        return state.screen === 'reading'
          ? { state: { ...state, progress: { read: event.read, total: event.total } }, commands: [] }
          : stay;
      case 'read-done': {
        if (state.screen !== 'reading') return stay;
        const chip = event.chip;
        const withChip = { ...ctx, chip };
        // The QR code scanned named another person than the chip: refused, not read further.
        if (ctx.qrIdNumber && chip.idNumber && ctx.qrIdNumber !== chip.idNumber)
          return decide({ ...withChip, chip: { ...chip, chipReasons: [...chip.chipReasons, 'qr-card-mismatch'] } });
        return afterChip(withChip, policy);
      }
      case 'read-failed':
        if (state.screen !== 'reading') return stay;
        if (event.failure === 'card-removed') return reset('card-removed-early');
        if (event.failure === 'access-denied') {
          // Wrong or stale key (another card than the QR code's): ask again for this card.
          return {
            state: at('need-access', { ...ctx, access: null, qrIdNumber: null, notice: 'access-denied' }),
            commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'wait' }],
          };
        }
        if (event.failure === 'timeout') return reset('read-stalled', [{ type: 'cancel-read' }]);
        // A chip that answers but cannot be read: refused and recorded (someone may need the counter).
        return decide({ ...ctx, chip: null });
      case 'face-guidance':
        return state.screen === 'face' ? { state: { ...state, guidance: event.guidance }, commands: [] } : stay;
      case 'face-done': {
        if (state.screen !== 'face') return stay;
        const withFace = { ...ctx, face: event.result };
        const retry = (event.result.kind === 'not-matched' || event.result.kind === 'no-face') && ctx.faceAttempts <= policy.faceRetries;
        if (retry)
          return startFace({
            ...withFace,
            faceAttempts: ctx.faceAttempts + 1,
            notice: event.result.kind === 'no-face' ? 'face-not-seen' : 'face-try-again',
          });
        return afterChecks(withFace, policy);
      }
      case 'patient':
        return state.screen === 'insurance' ? { state: { ...state, ctx: { ...ctx, patient: event.patient } }, commands: [] } : stay;
      case 'continue': {
        if (state.screen !== 'insurance' || !ctx.patient) return stay;
        // Not covered (or not known): the visit goes on only as a fee-paying one, which the person chose.
        if (ctx.patient.insurance.status !== 'covered' && !event.feePaying)
          return { state: { ...state, ctx: { ...ctx, notice: 'fee-paying-confirm' } }, commands: [] };
        const go = { ...ctx, feePaying: ctx.patient.insurance.status !== 'covered', notice: null };
        const booked = ctx.patient.appointment;
        return booked ? waitOn('confirm', { ...go, clinic: booked.clinic }) : waitOn('clinic', go);
      }
      case 'choose-clinic':
        return state.screen === 'clinic' ? waitOn('confirm', { ...ctx, clinic: event.clinic, notice: null }) : stay;
      case 'confirm':
        return state.screen === 'confirm' && ctx.clinic ? decide(ctx) : stay;
      case 'printed': {
        const t = state.decision?.ticket;
        if (state.screen !== 'result' || !t) return stay;
        return {
          state: { ...state, decision: { ...state.decision!, ticket: { ...t, printed: event.ok ? 'printed' : 'failed' } } },
          commands: [],
        };
      }
      case 'gate-failed':
        return state.screen === 'result' && state.decision?.gate === 'open'
          ? { state: { ...state, decision: { ...state.decision, gate: 'fault' } }, commands: [] }
          : stay;
      case 'back':
        if (state.screen === 'clinic') return waitOn('insurance', { ...ctx, clinic: null, notice: null });
        if (state.screen === 'confirm')
          // A booked visit goes back to the insurance screen; a chosen clinic, to the choice.
          return ctx.patient?.appointment
            ? waitOn('insurance', { ...ctx, clinic: null, notice: null })
            : waitOn('clinic', { ...ctx, clinic: null, notice: null });
        return stay;
      case 'recorded':
        if (state.screen !== 'deciding') return stay;
        return {
          state: at('result', ctx, { decision: event.decision }),
          commands: [{ type: 'clear-timers' }, { type: 'set-timer', timer: 'result' }],
        };
      case 'record-failed':
        // Nothing may be said "done" that is not on disk: the person goes to staff.
        return state.screen === 'deciding' ? reset('record-failed') : stay;
      case 'timeout':
        switch (state.screen) {
          case 'reading':
            return event.timer === 'read' ? reset('read-stalled', [{ type: 'cancel-read' }]) : stay;
          case 'face':
            return event.timer === 'face' ? next(state, { type: 'face-done', result: { kind: 'no-face' } }, policy) : stay;
          case 'result':
            return event.timer === 'result' ? reset(null) : stay;
          case 'need-access':
          case 'waiting-card':
          case 'insurance':
          case 'clinic':
          case 'confirm':
            return event.timer === 'wait' ? reset('timed-out') : stay;
          case 'waiting-pass':
            // The chip was read but no pass came: recorded as refused for the missing pass.
            return event.timer === 'wait' ? decide(ctx) : stay;
          default:
            return stay;
        }
    }
  }

  return { kind, initial: idle(), next };
}

export const hospitalMachine: Machine = makeMachine('hospital');
export const airportMachine: Machine = makeMachine('airport');

export function machineFor(kind: WorkflowKind): Machine {
  return kind === 'hospital' ? hospitalMachine : airportMachine;
}
