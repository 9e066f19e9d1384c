// The simulator's vocabulary: every action a technician takes in the console is one of these
// steps, and a scenario file is a list of them with expectations. So what was done in the
// console can be recorded and replayed, and the headless runner and the panel share one
// meaning for each action (docs/SCENARIOS.md). Pure: no Node, usable in the console page.
import { z } from 'zod';

/** The virtual chip's faults (simulator/card.ts FAULTS; kept equal by a test). */
export const ChipFault = z.enum([
  'removed',
  'wrong-mac',
  'corrupted-dg',
  'sod-hash-mismatch',
  'sod-no-signer',
  'unknown-csca',
  'revoked-ds',
  'cloned',
  'expired',
  'slow',
]);
export type ChipFault = z.infer<typeof ChipFault>;

/** What the camera sees (simulator/camera-clip.ts CAMERA_SUBJECTS; kept equal by a test). */
export const CameraSubject = z.enum(['holder', 'other', 'nobody', 'two', 'print', 'screen']);
export type CameraSubject = z.infer<typeof CameraSubject>;

const citizen = z.number().int().min(0).max(100_000);
const reader = z.union([z.literal(0), z.literal(1)]);

/** Device and world actions: what the panel's buttons do. */
export const Action = z.discriminatedUnion('do', [
  /** Put citizen N's card on a reader (slot 0 by default), with faults and a link profile. */
  z.strictObject({
    do: z.literal('card-on'),
    citizen,
    reader: reader.optional(),
    faults: z.array(ChipFault).max(10).optional(),
    link: z.enum(['contactless-424', 'contact-extended', 'slow', 'instant']).optional(),
  }),
  z.strictObject({ do: z.literal('card-off'), reader: reader.optional() }),
  /** Scan citizen N's front QR code on the virtual scanner. */
  z.strictObject({ do: z.literal('scan-qr'), citizen }),
  /** Scan citizen N's boarding pass (their flight from the roster unless `flight` is given; `date` YYYY-MM-DD, default today). */
  z.strictObject({
    do: z.literal('scan-pass'),
    citizen,
    flight: z
      .string()
      .regex(/^[A-Z0-9]{2,3}\d{1,4}$/)
      .optional(),
    date: z.iso.date().optional(),
  }),
  /** Any text through the scanner (a foreign barcode, garbage). */
  z.strictObject({ do: z.literal('scan-text'), text: z.string().min(1).max(2000) }),
  /** What the camera sees from now on; `citizen` is whose face (default: the last card's holder). */
  z.strictObject({ do: z.literal('camera'), subject: CameraSubject, citizen: citizen.optional() }),
  /** Cut or restore the kiosk's network path to the registry. */
  z.strictObject({ do: z.literal('network'), state: z.enum(['cut', 'restored']) }),
  /** Move the kiosk's clock by this many minutes from the true time (0 puts it back). */
  z.strictObject({ do: z.literal('clock'), skewMinutes: z.number().int().min(-525_600).max(525_600) }),
  z.strictObject({ do: z.literal('printer'), state: z.enum(['ready', 'paper-out', 'paper-low', 'cover-open', 'error']) }),
  z.strictObject({ do: z.literal('gate'), state: z.enum(['ok', 'jammed']) }),
  /** What the person does on the screen (the UI's requests, as a page sends them). */
  z.strictObject({
    do: z.literal('press'),
    button: z.enum(['continue', 'continue-fee-paying', 'confirm', 'back', 'cancel']),
  }),
  z.strictObject({ do: z.literal('choose-clinic'), clinic: z.string().regex(/^[a-z0-9-]{1,32}$/) }),
  z.strictObject({ do: z.literal('enter-can'), can: z.string().regex(/^\d{6}$/) }),
  /** Wait a fixed time (think time), at most a minute. */
  z.strictObject({ do: z.literal('wait'), ms: z.number().int().min(0).max(60_000) }),
  /** Wait until every check-in has reached the registry (or the timeout ends the scenario failed). */
  z.strictObject({ do: z.literal('sync'), timeoutMs: z.number().int().min(100).max(300_000).optional() }),
]);
export type Action = z.infer<typeof Action>;

/**
 * What should hold. The runner waits (up to `timeoutMs`, default 15 s) for every given field
 * to hold at once, then fails with a diff of expected against what it saw.
 */
export const Expectation = z.strictObject({
  /** The screen's `data-screen` (main/api/contract.ts Screen). */
  screen: z
    .enum([
      'idle',
      'need-access',
      'waiting-card',
      'waiting-pass',
      'reading',
      'face',
      'insurance',
      'clinic',
      'confirm',
      'deciding',
      'result',
      'out-of-service',
    ])
    .optional(),
  /** The screen's one-line notice code (card-removed-early, scan-unknown…); null: none. */
  notice: z.string().max(64).nullable().optional(),
  /** The last recorded decision, its reasons (exactly, in any order) and face outcome. */
  decision: z.enum(['admitted', 'refused', 'referred']).optional(),
  reasons: z.array(z.string().max(64)).max(16).optional(),
  face: z.enum(['matched', 'not-matched', 'not-live', 'not-checked']).optional(),
  /** Hospital: a ticket printed (true), or none / failed (false); `clinic` its clinic id. */
  ticket: z.union([z.boolean(), z.strictObject({ clinic: z.string().max(32).optional(), printed: z.boolean().optional() })]).optional(),
  /** Airport: the gate opened for the last check-in, or not. */
  gate: z.enum(['opened', 'not-opened']).optional(),
  /** Check-ins recorded by this kiosk since the scenario began. */
  checkins: z.number().int().min(0).optional(),
  /** Check-ins still in the kiosk's outbox. */
  queued: z.number().int().min(0).optional(),
  /** Check-ins of this kiosk the registry holds since the scenario began (asked of the registry). */
  registry: z.number().int().min(0).optional(),
  timeoutMs: z.number().int().min(0).max(300_000).optional(),
});
export type Expectation = z.infer<typeof Expectation>;

export const Step = z.union([Action, z.strictObject({ expect: Expectation, note: z.string().max(300).optional() })]);
export type Step = z.infer<typeof Step>;

export const Scenario = z.strictObject({
  name: z.string().min(1).max(120),
  /** What it shows, for the "try this" list and the report. */
  about: z.string().max(1000).optional(),
  site: z.enum(['hospital', 'airport']),
  /** Changes to the simulator's site configuration (face policy, retries…). */
  face: z
    .strictObject({
      required: z.boolean().optional(),
      liveness: z.enum(['refuse', 'refer', 'record']).optional(),
      waitSeconds: z.number().int().min(2).max(120).optional(),
    })
    .optional(),
  steps: z.array(Step).min(1).max(500),
});
export type Scenario = z.infer<typeof Scenario>;
