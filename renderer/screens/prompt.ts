// The prompt of a view: the heading its screen shows, and what the live region reads out.
import type { CheckinView } from '../../main/api/contract.js';
import type { Messages } from '../i18n.js';

/** The gate's state on an airport's admitted result; not said is read as no gate (never "go through" unknown). */
export function gateOf(view: CheckinView): 'open' | 'fault' | 'none' | null {
  if (view.workflow !== 'airport' || view.decision?.decision !== 'admitted') return null;
  return view.decision.gate ?? 'none';
}

/** The airport's own prompts: the pass and the card come in either order. */
function airportPrompt(view: CheckinView, t: Messages): string | null {
  const gate = gateOf(view);
  if (view.screen === 'result' && gate) return t.airport.gate[gate];
  if (view.screen === 'idle') return t.airport.idle;
  if (view.screen === 'waiting-card' && view.hasPass) return t.airport.passScanned;
  if (view.screen === 'waiting-pass') return t.airport.waitingPass;
  return null;
}

export function promptText(view: CheckinView, t: Messages): string {
  const airport = view.workflow === 'airport' ? airportPrompt(view, t) : null;
  if (airport) return airport;
  if (view.screen === 'result' && view.decision) return view.decision.ticket ? t.ticket.heading : t.decisions[view.decision.decision];
  return t.screens[view.screen];
}
