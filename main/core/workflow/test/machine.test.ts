// Every transition of the two workflow machines, by table: from a state, an event gives a
// screen, a notice and the commands the runner must perform.
import { describe, expect, it } from 'vitest';
import type { Bcbp } from '../../../../drivers/barcode/bcbp.js';
import { airportMachine, hospitalMachine, type Machine } from '../machine.js';
import {
  EMPTY_CONTEXT,
  type ChipFacts,
  type Context,
  type PatientFacts,
  type Screen,
  type State,
  type WorkflowEvent,
  type WorkflowPolicy,
} from '../types.js';

const KEY = [{ kind: 'can' as const, can: '123456' }];
const PASS = { passengerName: 'NGUYEN/VAN AN', legs: [] } as unknown as Bcbp;
const CHIP: ChipFacts = {
  idNumber: '001090000001',
  fullName: 'Nguyễn Văn An',
  dateOfBirth: '1990-01-01',
  verified: true,
  chipReasons: [],
  verification: { passive: 'verified' },
  hasFace: true,
};
const BAD_CHIP: ChipFacts = { ...CHIP, verified: false, chipReasons: ['chip-cloned'] };
const FACE_ON: WorkflowPolicy = { faceRequired: true, faceRetries: 1 };
const INSURED = { status: 'covered' as const, level: 80, validUntil: '2027-12-31', facility: 'Trạm y tế' };
const COVERED: PatientFacts = { insurance: INSURED, appointment: null };
const BOOKED: PatientFacts = { insurance: INSURED, appointment: { time: '09:30', clinic: 'noi' } };
const UNINSURED: PatientFacts = { insurance: { status: 'not-covered', level: null, validUntil: null, facility: null }, appointment: null };
const FACE_OFF: WorkflowPolicy = { faceRequired: false, faceRetries: 1 };

function st(screen: Screen, ctx: Partial<Context> = {}): State {
  return { screen, ctx: { ...EMPTY_CONTEXT, ...ctx }, progress: null, guidance: null, decision: null };
}

type Row = [
  name: string,
  machine: Machine,
  from: State,
  event: WorkflowEvent,
  expected: { screen: Screen; notice?: string | null; commands: string[] },
  policy?: WorkflowPolicy,
];

const H = hospitalMachine;
const A = airportMachine;
const RESET = ['clear-timers', 'forget-person'];

const table: Row[] = [
  // Starting
  [
    'card first, no key: ask for the QR code or CAN',
    H,
    st('idle'),
    { type: 'card-inserted', reader: 'R' },
    { screen: 'need-access', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'QR code first: wait for the card',
    H,
    st('idle'),
    { type: 'scan-qr', access: KEY, idNumber: CHIP.idNumber! },
    { screen: 'waiting-card', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'card after the QR code: read',
    H,
    st('waiting-card', { access: KEY }),
    { type: 'card-inserted', reader: 'R' },
    { screen: 'reading', commands: ['clear-timers', 'set-timer', 'start-read'] },
  ],
  [
    'QR code after the card: read',
    H,
    st('need-access', { reader: 'R' }),
    { type: 'scan-qr', access: KEY, idNumber: CHIP.idNumber! },
    { screen: 'reading', commands: ['clear-timers', 'set-timer', 'start-read'] },
  ],
  [
    'CAN typed after the card: read',
    H,
    st('need-access', { reader: 'R' }),
    { type: 'can-entered', access: KEY },
    { screen: 'reading', commands: ['clear-timers', 'set-timer', 'start-read'] },
  ],
  [
    'a boarding pass at a hospital: a word, nothing else',
    H,
    st('idle'),
    { type: 'scan-pass', pass: PASS },
    { screen: 'idle', notice: 'pass-not-used-here', commands: [] },
  ],
  [
    'an unknown code: a word',
    H,
    st('idle'),
    { type: 'scan-unknown', why: 'unknown' },
    { screen: 'idle', notice: 'scan-unknown', commands: [] },
  ],
  [
    'a damaged code: a word',
    A,
    st('waiting-card', { pass: PASS }),
    { type: 'scan-unknown', why: 'invalid' },
    { screen: 'waiting-card', notice: 'scan-invalid', commands: [] },
  ],
  [
    'pass first at the airport: wait for the card',
    A,
    st('idle'),
    { type: 'scan-pass', pass: PASS },
    { screen: 'waiting-card', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'a pass during the read is kept',
    A,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'scan-pass', pass: PASS },
    { screen: 'reading', commands: [] },
  ],
  [
    'a QR code during the read: busy',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'scan-qr', access: KEY, idNumber: CHIP.idNumber! },
    { screen: 'reading', notice: 'busy', commands: [] },
  ],
  // Reading
  [
    'progress',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'read-progress', read: 2, total: 5 },
    { screen: 'reading', commands: [] },
  ],
  [
    'card pulled mid-read',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'card-removed', reader: 'R' },
    { screen: 'idle', notice: 'card-removed-early', commands: ['cancel-read', ...RESET] },
  ],
  [
    'the read failed for removal',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'read-failed', failure: 'card-removed', message: '' },
    { screen: 'idle', notice: 'card-removed-early', commands: RESET },
  ],
  [
    'wrong key: ask again',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'read-failed', failure: 'access-denied', message: '' },
    { screen: 'need-access', notice: 'access-denied', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'an unreadable chip is decided (refused)',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'read-failed', failure: 'unreadable', message: '' },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
  ],
  [
    'the read stalls',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'timeout', timer: 'read' },
    { screen: 'idle', notice: 'read-stalled', commands: ['cancel-read', ...RESET] },
  ],
  [
    'a second card while reading',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'card-inserted', reader: 'R2' },
    { screen: 'reading', notice: 'one-card-at-a-time', commands: [] },
  ],
  [
    "another reader's card leaves: nothing",
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'card-removed', reader: 'R2' },
    { screen: 'reading', commands: [] },
  ],
  [
    'read done: face',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'read-done', chip: CHIP },
    { screen: 'face', commands: ['clear-timers', 'set-timer', 'start-face'] },
    FACE_ON,
  ],
  [
    'read done, face not required: the hospital visit (insurance)',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'read-done', chip: CHIP },
    { screen: 'insurance', commands: ['clear-timers', 'set-timer', 'look-up-patient'] },
    FACE_OFF,
  ],
  [
    'read done, chip failed its checks: decide without the face',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'read-done', chip: BAD_CHIP },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
    FACE_ON,
  ],
  [
    'read done, the QR named another person: decide (refused)',
    H,
    st('reading', { reader: 'R', access: KEY, qrIdNumber: '079000000002' }),
    { type: 'read-done', chip: CHIP },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
    FACE_ON,
  ],
  [
    'airport, read done without a pass: wait for it',
    A,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'read-done', chip: CHIP },
    { screen: 'waiting-pass', commands: ['clear-timers', 'set-timer'] },
    FACE_ON,
  ],
  [
    'airport, read done with the pass: face',
    A,
    st('reading', { reader: 'R', access: KEY, pass: PASS }),
    { type: 'read-done', chip: CHIP },
    { screen: 'face', commands: ['clear-timers', 'set-timer', 'start-face'] },
    FACE_ON,
  ],
  [
    'airport, pass after the card: face',
    A,
    st('waiting-pass', { reader: 'R', chip: CHIP }),
    { type: 'scan-pass', pass: PASS },
    { screen: 'face', commands: ['clear-timers', 'set-timer', 'start-face'] },
    FACE_ON,
  ],
  [
    'airport, no pass in time: decide (refused)',
    A,
    st('waiting-pass', { chip: CHIP }),
    { type: 'timeout', timer: 'wait' },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
  ],
  [
    'the card may leave after the read',
    A,
    st('waiting-pass', { reader: 'R', chip: CHIP }),
    { type: 'card-removed', reader: 'R' },
    { screen: 'waiting-pass', commands: [] },
  ],
  // Face
  [
    'guidance',
    H,
    st('face', { chip: CHIP, faceAttempts: 1 }),
    { type: 'face-guidance', guidance: 'face-too-small', goodFrames: 0 },
    { screen: 'face', commands: [] },
  ],
  [
    'matched: the hospital visit (insurance)',
    H,
    st('face', { chip: CHIP, faceAttempts: 1 }),
    { type: 'face-done', result: { kind: 'matched', score: 0.9, liveScore: 0.9, live: true } },
    { screen: 'insurance', commands: ['clear-timers', 'set-timer', 'look-up-patient'] },
    FACE_ON,
  ],
  [
    'matched at the airport: decide',
    A,
    st('face', { chip: CHIP, faceAttempts: 1, pass: PASS }),
    { type: 'face-done', result: { kind: 'matched', score: 0.9, liveScore: 0.9, live: true } },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
    FACE_ON,
  ],
  [
    'matched but not live, liveness refers: decide (staff)',
    H,
    st('face', { chip: CHIP, faceAttempts: 1 }),
    { type: 'face-done', result: { kind: 'matched', score: 0.9, liveScore: 0.1, live: false } },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
    { ...FACE_ON, liveness: 'refer' },
  ],
  [
    'matched but not live, liveness recorded only: the visit goes on',
    H,
    st('face', { chip: CHIP, faceAttempts: 1 }),
    { type: 'face-done', result: { kind: 'matched', score: 0.9, liveScore: 0.1, live: false } },
    { screen: 'insurance', commands: ['clear-timers', 'set-timer', 'look-up-patient'] },
    { ...FACE_ON, liveness: 'record' },
  ],
  [
    'face required, no photo on the chip: decide (face not checked)',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'read-done', chip: { ...CHIP, hasFace: false } },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
    FACE_ON,
  ],
  // The hospital visit
  [
    'the roster answers: shown on the insurance screen',
    H,
    st('insurance', { chip: CHIP }),
    { type: 'patient', patient: COVERED },
    { screen: 'insurance', commands: [] },
  ],
  [
    'covered, no booking: choose the clinic',
    H,
    st('insurance', { chip: CHIP, patient: COVERED }),
    { type: 'continue', feePaying: false },
    { screen: 'clinic', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'covered and booked: confirm the booking',
    H,
    st('insurance', { chip: CHIP, patient: BOOKED }),
    { type: 'continue', feePaying: false },
    { screen: 'confirm', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'not covered, not accepted as fee-paying: stays, asks to confirm',
    H,
    st('insurance', { chip: CHIP, patient: UNINSURED }),
    { type: 'continue', feePaying: false },
    { screen: 'insurance', notice: 'fee-paying-confirm', commands: [] },
  ],
  [
    'not covered, fee-paying accepted: choose the clinic',
    H,
    st('insurance', { chip: CHIP, patient: UNINSURED }),
    { type: 'continue', feePaying: true },
    { screen: 'clinic', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'continue before the roster answered: nothing',
    H,
    st('insurance', { chip: CHIP }),
    { type: 'continue', feePaying: true },
    { screen: 'insurance', commands: [] },
  ],
  [
    'a clinic chosen: confirm it',
    H,
    st('clinic', { chip: CHIP, patient: COVERED }),
    { type: 'choose-clinic', clinic: 'noi' },
    { screen: 'confirm', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'back from the confirmation of a chosen clinic: the choice again',
    H,
    st('confirm', { chip: CHIP, patient: COVERED, clinic: 'noi' }),
    { type: 'back' },
    { screen: 'clinic', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'back from the confirmation of a booking: the insurance screen',
    H,
    st('confirm', { chip: CHIP, patient: BOOKED, clinic: 'noi' }),
    { type: 'back' },
    { screen: 'insurance', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'confirmed: decide (the ticket is issued with the record)',
    H,
    st('confirm', { chip: CHIP, patient: COVERED, clinic: 'noi' }),
    { type: 'confirm' },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
  ],
  [
    'nobody answers on the clinic screen: timed out, forgotten',
    H,
    st('clinic', { chip: CHIP, patient: COVERED }),
    { type: 'timeout', timer: 'wait' },
    { screen: 'idle', notice: 'timed-out', commands: RESET },
  ],
  [
    'cancel on the insurance screen: forgotten',
    H,
    st('insurance', { chip: CHIP, patient: UNINSURED }),
    { type: 'cancel' },
    { screen: 'idle', commands: ['cancel-read', 'stop-face', ...RESET] },
  ],
  [
    'not matched, retries left: again',
    H,
    st('face', { chip: CHIP, faceAttempts: 1 }),
    { type: 'face-done', result: { kind: 'not-matched', score: 0.1, liveScore: 0.9, live: true } },
    { screen: 'face', notice: 'face-try-again', commands: ['clear-timers', 'set-timer', 'start-face'] },
    FACE_ON,
  ],
  [
    'not matched, no retries left: decide (referred)',
    H,
    st('face', { chip: CHIP, faceAttempts: 2 }),
    { type: 'face-done', result: { kind: 'not-matched', score: 0.1, liveScore: 0.9, live: true } },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
    FACE_ON,
  ],
  [
    'no face in time: again',
    H,
    st('face', { chip: CHIP, faceAttempts: 1 }),
    { type: 'timeout', timer: 'face' },
    { screen: 'face', notice: 'face-not-seen', commands: ['clear-timers', 'set-timer', 'start-face'] },
    FACE_ON,
  ],
  [
    'no camera: decide',
    H,
    st('face', { chip: CHIP, faceAttempts: 1 }),
    { type: 'face-done', result: { kind: 'unavailable', why: 'no camera' } },
    { screen: 'deciding', commands: ['clear-timers', 'decide-and-record'] },
    FACE_ON,
  ],
  // Deciding and after
  [
    'recorded: result',
    H,
    st('deciding', { chip: CHIP }),
    { type: 'recorded', decision: { decision: 'admitted', reasons: [], face: { status: 'matched', score: 0.9 } } },
    { screen: 'result', commands: ['clear-timers', 'set-timer'] },
  ],
  [
    'not recorded: back to idle with a word for staff',
    H,
    st('deciding', { chip: CHIP }),
    { type: 'record-failed', message: 'disk full' },
    { screen: 'idle', notice: 'record-failed', commands: RESET },
  ],
  [
    'cancel while deciding: ignored (the record is being written)',
    H,
    st('deciding', { chip: CHIP }),
    { type: 'cancel' },
    { screen: 'deciding', commands: [] },
  ],
  [
    'result times out: idle, person forgotten',
    H,
    st('result', { chip: CHIP }),
    { type: 'timeout', timer: 'result' },
    { screen: 'idle', commands: RESET },
  ],
  [
    "the next person's card on the result screen",
    H,
    st('result', { chip: CHIP, access: KEY }),
    { type: 'card-inserted', reader: 'R' },
    { screen: 'need-access', commands: [...RESET, 'clear-timers', 'set-timer'] },
  ],
  [
    "the next passenger's pass on the result screen",
    A,
    st('result', { chip: CHIP }),
    { type: 'scan-pass', pass: PASS },
    { screen: 'waiting-card', commands: [...RESET, 'clear-timers', 'set-timer'] },
  ],
  // Waiting
  [
    'nobody came: idle',
    H,
    st('waiting-card', { access: KEY }),
    { type: 'timeout', timer: 'wait' },
    { screen: 'idle', notice: 'timed-out', commands: RESET },
  ],
  [
    'no key came: idle',
    H,
    st('need-access', { reader: 'R' }),
    { type: 'timeout', timer: 'wait' },
    { screen: 'idle', notice: 'timed-out', commands: RESET },
  ],
  [
    'the card left before its key came',
    H,
    st('need-access', { reader: 'R' }),
    { type: 'card-removed', reader: 'R' },
    { screen: 'idle', notice: 'card-removed', commands: RESET },
  ],
  [
    'cancel: idle',
    A,
    st('waiting-card', { pass: PASS }),
    { type: 'cancel' },
    { screen: 'idle', commands: ['cancel-read', 'stop-face', ...RESET] },
  ],
  [
    'a stale timer is ignored',
    H,
    st('reading', { reader: 'R', access: KEY }),
    { type: 'timeout', timer: 'result' },
    { screen: 'reading', commands: [] },
  ],
  ['a late read result is ignored', H, st('idle'), { type: 'read-done', chip: CHIP }, { screen: 'idle', commands: [] }],
  ['a late face result is ignored', H, st('idle'), { type: 'face-done', result: { kind: 'no-face' } }, { screen: 'idle', commands: [] }],
];

describe('workflow machines', () => {
  it.each(table)('%s', (_name, machine, from, event, expected, policy = FACE_ON) => {
    const { state, commands } = machine.next(from, event, policy);
    expect(state.screen).toBe(expected.screen);
    if (expected.notice !== undefined) expect(state.ctx.notice).toBe(expected.notice);
    expect(commands.map((c) => c.type)).toEqual(expected.commands);
  });

  it('forgets the person whenever it returns to idle', () => {
    for (const [, machine, from, event, , policy] of table) {
      const { state, commands } = machine.next(from, event, policy ?? FACE_ON);
      if (state.screen === 'idle' && from.screen !== 'idle') {
        expect(commands.map((c) => c.type)).toContain('forget-person');
        expect(state.ctx.chip).toBeNull();
        expect(state.ctx.access).toBeNull();
        expect(state.ctx.pass).toBeNull();
      }
    }
  });

  it('walks a whole passage: pass, QR, card, read, face, record, result, idle', () => {
    let s = A.initial;
    const go = (e: WorkflowEvent) => (s = A.next(s, e, FACE_ON).state);
    go({ type: 'scan-pass', pass: PASS });
    go({ type: 'scan-qr', access: KEY, idNumber: CHIP.idNumber! });
    go({ type: 'card-inserted', reader: 'R' });
    expect(s.screen).toBe('reading');
    go({ type: 'read-done', chip: CHIP });
    expect(s.screen).toBe('face');
    go({ type: 'face-done', result: { kind: 'matched', score: 0.8, liveScore: 0.9, live: true } });
    go({ type: 'recorded', decision: { decision: 'admitted', reasons: [], face: { status: 'matched', score: 0.8 } } });
    expect(s.screen).toBe('result');
    expect(s.ctx.pass).toBe(PASS);
    go({ type: 'timeout', timer: 'result' });
    expect(s).toEqual(A.initial);
  });
});
