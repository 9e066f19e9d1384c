// What the person should do after a result, chosen from the reasons the core gave. The core
// decides; this only picks which words of advice fit the reasons it sent.
import type { DecisionView } from '../main/api/contract.js';

export type Advice = 'go-ahead' | 'counter' | 'staff';

const CARD_PROBLEM = /^(card-|chip-|qr-card-)/;

/** Hospital: a card problem is solved at the counter with other papers, anything else by a member of staff. */
export function adviceFor(decision: DecisionView): Advice {
  if (decision.decision === 'admitted') return 'go-ahead';
  if (decision.reasons.some((r) => CARD_PROBLEM.test(r))) return 'counter';
  return 'staff';
}

export type AirportAdvice =
  | 'go-ahead'
  | 'security'
  | 'check-in-counter'
  | 'own-pass'
  | 'another-day'
  | 'wrong-airport'
  | 'flight-cancelled'
  | 'flight-not-found'
  | 'flight-closed'
  | 'flight-not-boarding'
  | 'wrong-gate'
  | 'already-boarded'
  | 'no-boarding-pass'
  | 'face'
  | 'staff';

/**
 * Airport: the reasons that lead to each piece of advice, most pressing first. A refusal often
 * has several reasons (someone else's pass is also for another flight); the person is told the
 * one thing to do first: a forged card before a wrong pass, a wrong pass before its flight's state.
 */
const AIRPORT_ADVICE: [AirportAdvice, readonly string[]][] = [
  ['security', ['chip-not-genuine', 'chip-cloned', 'chip-data-not-authentic']],
  ['check-in-counter', ['card-expired', 'card-unreadable', 'chip-issuer-unknown', 'chip-not-verified', 'qr-card-mismatch']],
  ['own-pass', ['name-mismatch']],
  ['another-day', ['pass-not-for-today']],
  ['wrong-airport', ['wrong-airport']],
  ['flight-cancelled', ['flight-cancelled']],
  ['flight-not-found', ['flight-not-found']],
  ['flight-closed', ['flight-closed']],
  ['flight-not-boarding', ['flight-not-boarding']],
  ['wrong-gate', ['wrong-gate']],
  ['already-boarded', ['already-boarded']],
  ['no-boarding-pass', ['no-boarding-pass']],
  ['face', ['face-mismatch', 'face-not-live', 'face-not-checked', 'face-not-seen']],
];

export function airportAdviceFor(decision: DecisionView): AirportAdvice {
  if (decision.decision === 'admitted') return 'go-ahead';
  for (const [advice, reasons] of AIRPORT_ADVICE) if (decision.reasons.some((r) => reasons.includes(r))) return advice;
  return 'staff';
}
