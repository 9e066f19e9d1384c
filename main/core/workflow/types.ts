// The check-in workflow's vocabulary: what can happen (events), where a person is (states),
// and what the engine must do next (commands). The machines (hospital.ts, airport.ts) are
// pure functions over these; runner.ts performs the commands and feeds results back.
import type { Bcbp } from '../../../drivers/barcode/bcbp.js';
import type { AccessKey } from '../../../drivers/emrtd/reader.js';
import type { Decision } from './decision.js';

export type WorkflowKind = 'hospital' | 'airport';

/** A chip read as the workflow needs it (the face image stays with the runner, never in state). */
export interface ChipFacts {
  idNumber: string | null;
  fullName: string;
  dateOfBirth: string | null;
  verified: boolean;
  /** Problems found by the chip checks, as reason codes (chip-cloned, card-expired…). */
  chipReasons: string[];
  verification: Record<string, string>;
  hasFace: boolean;
}

export type FaceResult =
  | { kind: 'matched'; score: number; liveScore: number; live: boolean }
  | { kind: 'not-matched'; score: number; liveScore: number; live: boolean }
  | { kind: 'no-face' }
  | { kind: 'unavailable'; why: string };

/** What the hospital's roster says of the person, looked up after the chip (and face) check. */
export interface PatientFacts {
  insurance: {
    status: 'covered' | 'expired' | 'not-covered' | 'unknown';
    level: number | null;
    validUntil: string | null;
    facility: string | null;
  };
  /** Today's booking, if any: the clinic's id from the site configuration. */
  appointment: { time: string; clinic: string } | null;
}

export type ReadFailure = 'card-removed' | 'access-denied' | 'timeout' | 'unreadable';

export type WorkflowEvent =
  | { type: 'card-inserted'; reader: string }
  | { type: 'card-removed'; reader: string }
  | { type: 'scan-pass'; pass: Bcbp }
  | { type: 'scan-qr'; access: AccessKey[]; idNumber: string }
  | { type: 'scan-unknown'; why: 'unknown' | 'invalid' }
  | { type: 'can-entered'; access: AccessKey[] }
  | { type: 'read-progress'; read: number; total: number }
  | { type: 'read-done'; chip: ChipFacts }
  | { type: 'read-failed'; failure: ReadFailure; message: string }
  | { type: 'face-guidance'; guidance: string | null; goodFrames: number }
  | { type: 'face-done'; result: FaceResult }
  | { type: 'recorded'; decision: Decision }
  | { type: 'record-failed'; message: string }
  | { type: 'timeout'; timer: TimerName }
  | { type: 'cancel' }
  /** Hospital: the roster's answer for this person. */
  | { type: 'patient'; patient: PatientFacts }
  /** Hospital: the person goes on from the insurance screen (as a fee-paying patient when not covered). */
  | { type: 'continue'; feePaying: boolean }
  /** Hospital: a clinic of the site configuration (the runner checks the id). */
  | { type: 'choose-clinic'; clinic: string }
  /** Hospital: the person confirms the visit; the ticket is issued. */
  | { type: 'confirm' }
  /** Back one screen (clinic choice, confirmation). */
  | { type: 'back' }
  /** Hospital: the ticket's printing ended. */
  | { type: 'printed'; ok: boolean }
  /** Airport: the gate did not open for the admitted passenger (staff let them through). */
  | { type: 'gate-failed' };

export type TimerName = 'wait' | 'read' | 'face' | 'result';

/** What the person in front of the kiosk has given so far. */
export interface Context {
  access: AccessKey[] | null;
  /** The ID number the scanned QR code named: a card with another number is refused. */
  qrIdNumber: string | null;
  pass: Bcbp | null;
  reader: string | null;
  chip: ChipFacts | null;
  face: FaceResult | null;
  faceAttempts: number;
  /** Hospital: the roster's answer, the clinic chosen (or booked), and whether the person pays the fee. */
  patient: PatientFacts | null;
  clinic: string | null;
  feePaying: boolean;
  /** A one-line note for the screen ("one card at a time", "unknown code"…), as a code. */
  notice: string | null;
}

export const EMPTY_CONTEXT: Context = {
  access: null,
  qrIdNumber: null,
  pass: null,
  reader: null,
  chip: null,
  face: null,
  faceAttempts: 0,
  patient: null,
  clinic: null,
  feePaying: false,
  notice: null,
};

export type Screen =
  | 'idle'
  | 'need-access'
  | 'waiting-card'
  | 'waiting-pass'
  | 'reading'
  | 'face'
  | 'insurance'
  | 'clinic'
  | 'confirm'
  | 'deciding'
  | 'result';

export interface State {
  screen: Screen;
  ctx: Context;
  progress: { read: number; total: number } | null;
  guidance: string | null;
  decision: Decision | null;
}

export type Command =
  | { type: 'start-read'; reader: string; access: AccessKey[] }
  | { type: 'cancel-read' }
  | { type: 'start-face'; attempt: number }
  | { type: 'stop-face' }
  | { type: 'decide-and-record' }
  /** Hospital: look the person up in the roster (answered with a 'patient' event). */
  | { type: 'look-up-patient' }
  | { type: 'set-timer'; timer: TimerName }
  | { type: 'clear-timers' }
  /** Personal data leaves memory: the runner wipes the chip photo and frames too. */
  | { type: 'forget-person' };

export interface Step {
  state: State;
  commands: Command[];
}

export interface WorkflowPolicy {
  faceRequired: boolean;
  faceRetries: number;
  /** What a face matched but not found live does (the site's face.liveness); default 'record'. */
  liveness?: 'refuse' | 'refer' | 'record';
}
