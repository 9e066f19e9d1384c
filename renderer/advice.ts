// What the person should do after a result, chosen from the reasons the core gave: a card
// problem is solved at the counter with other papers, anything else by a member of staff.
import type { DecisionView } from '../main/api/contract.js';

export type Advice = 'go-ahead' | 'counter' | 'staff';

const CARD_PROBLEM = /^(card-|chip-|qr-card-)/;

export function adviceFor(decision: DecisionView): Advice {
  if (decision.decision === 'admitted') return 'go-ahead';
  if (decision.reasons.some((r) => CARD_PROBLEM.test(r))) return 'counter';
  return 'staff';
}
