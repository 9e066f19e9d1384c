// The prompt of a view: the heading its screen shows, and what the live region reads out.
import type { CheckinView } from '../../main/api/contract.js';
import type { Messages } from '../i18n.js';

export function promptText(view: CheckinView, t: Messages): string {
  if (view.screen === 'result' && view.decision) return view.decision.ticket ? t.ticket.heading : t.decisions[view.decision.decision];
  return t.screens[view.screen];
}
