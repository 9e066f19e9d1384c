// From what the person gave and what the kiosk found (chip, face, pass, roster) to the
// decision and the check-in row the kiosk records. Pure: the reference data comes in as
// values, the clock as `now`. Reason codes are what the UI translates and staff read.
import type { Bcbp } from '../../../drivers/barcode/bcbp.js';
import { matchPassName } from '../../../drivers/barcode/name-match.js';
import type { FlightEntry, LivenessPolicy, PatientEntry, SiteConfig } from '../../protocol/datasets.js';
import { flightKey } from '../../protocol/datasets.js';
import type { CheckInRecord, Identity } from '../../protocol/registry-protocol.js';
import type { Context, FaceResult, PatientFacts } from './types.js';

export type DecisionKind = 'admitted' | 'refused' | 'referred';

/** What the result screen shows (and what the check-in row keeps, minus the display-only parts). */
export interface Decision {
  decision: DecisionKind;
  reasons: string[];
  face: { status: 'matched' | 'not-matched' | 'not-live' | 'not-checked'; score: number | null };
  /** Hospital: the insurance entitlement and today's appointment, when the roster knows them. */
  insurance?: {
    status: 'covered' | 'expired' | 'not-covered' | 'unknown';
    level: number | null;
    validUntil: string | null;
    facility: string | null;
  };
  appointment?: { time: string; clinic: string } | null;
  /** Airport: the flight and seat. */
  flight?: { id: string; seat: string; gate: string | null; departure: string | null } | null;
  /** Hospital: how the visit is paid, and its queue ticket (issued and printed by the runner). */
  payment?: 'insurance' | 'fee-paying';
  ticket?: Ticket | null;
  /** Airport, admitted: whether the gate opened ('none': this kiosk has no gate). */
  gate?: 'open' | 'fault' | 'none';
}

/** A queue ticket: the number (this kiosk's letter and its counter for the clinic today), the clinic, the wait. */
export interface Ticket {
  number: string;
  clinic: string;
  waitMinutes: number;
  /** none: this kiosk has no printer (the number is on the screen only). */
  printed: 'pending' | 'printed' | 'failed' | 'none';
}

/** What the roster says of a person today: insurance, and a booking of today if any. */
export function patientFacts(entry: PatientEntry | null, today: string): PatientFacts {
  const ins = entry?.insurance ?? null;
  const status = !entry ? 'unknown' : !ins ? 'not-covered' : ins.validUntil < today ? 'expired' : 'covered';
  const appt = entry?.appointments.find((a) => a.date === today) ?? null;
  return {
    insurance: { status, level: ins?.level ?? null, validUntil: ins?.validUntil ?? null, facility: ins?.facility ?? null },
    appointment: appt ? { time: appt.time, clinic: appt.clinic } : null,
  };
}

export interface DecisionInput {
  site: string;
  config: SiteConfig;
  ctx: Context;
  now: Date;
  patient(idNumber: string): PatientEntry | null;
  flight(key: string): FlightEntry | null;
  /** Whether this kiosk already admitted this person on this flight today. */
  alreadyBoarded(idNumber: string, flight: string, day: string): boolean;
}

export type CheckInRow = Pick<CheckInRecord, 'site' | 'workflow' | 'decision' | 'reasons' | 'matchScore' | 'verification'> & {
  identity: Identity | null;
};

/** The local calendar day of `now` in Vietnam (UTC+7, no daylight saving), as YYYY-MM-DD. */
export function siteDay(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

function faceOutcome(
  face: FaceResult | null,
  liveness: LivenessPolicy,
): { status: Decision['face']['status']; score: number | null; reason: string | null; refer: boolean } {
  if (!face || face.kind === 'unavailable')
    return { status: 'not-checked', score: null, reason: face ? 'face-not-checked' : null, refer: face !== null };
  if (face.kind === 'no-face') return { status: 'not-checked', score: null, reason: 'face-not-seen', refer: true };
  const score = Math.round(face.score * 1000) / 1000;
  if (face.kind === 'not-matched') return { status: 'not-matched', score, reason: 'face-mismatch', refer: true };
  if (!face.live && liveness !== 'record') return { status: 'not-live', score, reason: 'face-not-live', refer: liveness === 'refer' };
  return { status: 'matched', score, reason: null, refer: false };
}

export function decide(input: DecisionInput): { decision: Decision; row: CheckInRow } {
  const { ctx, config, now } = input;
  const chip = ctx.chip;
  const refusals: string[] = [];
  const referrals: string[] = [];
  const verification: Record<string, string> = {};
  if (!chip) refusals.push('card-unreadable');
  else {
    Object.assign(verification, chip.verification);
    refusals.push(...chip.chipReasons);
  }
  const face = faceOutcome(ctx.face, config.face.liveness);
  verification['face'] = face.status;
  if (face.reason) (face.refer ? referrals : refusals).push(face.reason);
  // Liveness is indicative (docs/FACE.md): what it said is kept beside the match, whatever the policy made of it.
  if (ctx.face && (ctx.face.kind === 'matched' || ctx.face.kind === 'not-matched'))
    verification['liveness'] = ctx.face.live ? 'live' : config.face.liveness === 'record' ? 'not-live-recorded' : 'not-live';

  const decision: Decision = { decision: 'admitted', reasons: [], face: { status: face.status, score: face.score } };
  let identity: Identity = {};
  const idNumber = chip?.idNumber ?? null;

  if (config.kind === 'hospital') {
    const today = siteDay(now);
    // The roster's answer as the person saw it on the insurance screen (else looked up now).
    const facts = ctx.patient ?? patientFacts(idNumber ? input.patient(idNumber) : null, today);
    decision.insurance = facts.insurance;
    verification['insurance'] = facts.insurance.status;
    decision.appointment = facts.appointment;
    // Not covered: the visit was only confirmed as a fee-paying one (machine.ts), so it is paid.
    decision.payment = ctx.feePaying || facts.insurance.status !== 'covered' ? 'fee-paying' : 'insurance';
    if (ctx.clinic) verification['payment'] = decision.payment;
    const appt = facts.appointment;
    const visit = ctx.clinic
      ? appt && appt.clinic === ctx.clinic
        ? `${today}T${appt.time} ${ctx.clinic}`
        : `${today} ${ctx.clinic}`
      : appt
        ? `${today}T${appt.time} ${appt.clinic}`
        : null;
    identity = {
      ...(idNumber ? { idNumber } : {}),
      ...(chip ? { fullName: chip.fullName } : {}),
      ...(chip?.dateOfBirth ? { dateOfBirth: chip.dateOfBirth } : {}),
      ...(visit ? { appointment: visit } : {}),
    };
  } else {
    const pass = ctx.pass;
    if (!pass) refusals.push('no-boarding-pass');
    else {
      const flight = checkPass(pass, chip?.fullName ?? null, input, refusals, verification);
      decision.flight = flight;
      if (flight) identity = { ...(idNumber ? { idNumber } : {}), flight: flight.id };
      if (flight && idNumber && refusals.length === 0 && input.alreadyBoarded(idNumber, flight.id, siteDay(now)))
        refusals.push('already-boarded');
    }
    if (!identity.flight && idNumber) identity = { idNumber };
  }

  if (refusals.length) decision.decision = 'refused';
  else if (referrals.length) decision.decision = 'referred';
  decision.reasons = [...refusals, ...referrals];
  const row: CheckInRow = {
    site: input.site,
    workflow: config.kind === 'hospital' ? 'hospital-checkin' : 'airport-boarding',
    decision: decision.decision,
    reasons: decision.reasons,
    matchScore: face.score,
    verification,
    identity: Object.keys(identity).length ? identity : null,
  };
  return { decision, row };
}

/** The pass's (first leg's) flight: carrier, number without leading zeros, and the id the identity keeps (VN213). */
export function passFlight(pass: Bcbp): { carrier: string; number: string; id: string } {
  const leg = pass.legs[0]!;
  const number = leg.flightNumber.trim().replace(/^0+(?=\d)/, '');
  const carrier = leg.operatingCarrier.trim();
  return { carrier, number, id: `${carrier}${number}` };
}

/** The boarding pass against the chip's name, today's roster, this airport and gate. */
function checkPass(
  pass: Bcbp,
  fullName: string | null,
  input: DecisionInput,
  refusals: string[],
  verification: Record<string, string>,
): NonNullable<Decision['flight']> | null {
  const config = input.config;
  if (config.kind !== 'airport') return null;
  const leg = pass.legs[0]!;
  const { carrier, number, id } = passFlight(pass);
  if (fullName) {
    const m = matchPassName(fullName, pass.passengerName);
    verification['name'] = m.match ? (m.truncated ? 'match-truncated' : 'match') : 'mismatch';
    if (!m.match) refusals.push('name-mismatch');
  }
  const today = siteDay(input.now);
  if (leg.flightDay !== dayOfYear(today)) refusals.push('pass-not-for-today');
  if (leg.from !== config.airport.code) refusals.push('wrong-airport');
  const entry = input.flight(flightKey(carrier, number, today));
  if (!entry) {
    refusals.push('flight-not-found');
    verification['flight'] = 'not-found';
  } else {
    verification['flight'] = entry.status;
    if (entry.status === 'cancelled') refusals.push('flight-cancelled');
    else if (entry.status === 'closed' || entry.status === 'departed') refusals.push('flight-closed');
    else if (entry.status !== 'boarding') refusals.push('flight-not-boarding');
    if (config.airport.gate && entry.gate && entry.gate !== config.airport.gate) refusals.push('wrong-gate');
  }
  return { id, seat: leg.seat.trim().replace(/^0+(?=\d)/, ''), gate: entry?.gate ?? null, departure: entry?.departure ?? null };
}

/** Day of the year (1-366) of a YYYY-MM-DD date, as in the BCBP's date of flight. */
export function dayOfYear(isoDate: string): number {
  const y = Number(isoDate.slice(0, 4));
  const d = Date.UTC(y, Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10)));
  return Math.round((d - Date.UTC(y, 0, 1)) / 86_400_000) + 1;
}
