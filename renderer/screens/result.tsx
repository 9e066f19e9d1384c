// The check-in's result: the queue ticket when the hospital admitted the person with one,
// otherwise the outcome with its reasons and what to do. Both go back to the start by themselves.
import { useEffect } from 'preact/hooks';
import type { CheckinView, DecisionView, TicketView } from '../../main/api/contract.js';
import { adviceFor } from '../advice.js';
import { Countdown } from '../components/countdown.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { clinicName } from '../format.js';
import { codeText } from '../i18n.js';
import { playCue } from '../sound.js';
import { useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

const OUTCOME_ICON: Record<DecisionView['decision'], string> = { admitted: '✓', refused: '✕', referred: '!' };

function dataOf(decision: DecisionView): Record<string, string> {
  return { outcome: decision.decision, face: decision.face.status, reason: decision.reasons.join(' ') };
}

function TicketDetails({ ticket }: { ticket: TicketView }) {
  const { t, language } = useUi();
  return (
    <>
      <p class="ticket-number" data-testid="ticket-number" aria-label={`${t.ticket.numberLabel} ${ticket.number}`}>
        {ticket.number}
      </p>
      <p class="detail strong" data-testid="ticket-clinic">
        {t.ticket.clinic(clinicName(ticket.clinic, language))} · {t.ticket.room(ticket.clinic.room)}
      </p>
      <p class="detail" data-testid="ticket-wait">
        {t.ticket.wait(ticket.waitMinutes)}
      </p>
      <p class={`printed ${ticket.printed}`} data-testid="ticket-printed" role="status">
        <span class="icon" aria-hidden="true">
          {ticket.printed === 'failed' ? '!' : ticket.printed === 'printed' ? '✓' : '…'}
        </span>{' '}
        {t.ticket.printed[ticket.printed]}
      </p>
    </>
  );
}

function Reasons({ reasons }: { reasons: string[] }) {
  const { t } = useUi();
  if (!reasons.length) return null;
  return (
    <ul class="reasons" aria-label={t.reasonsLabel}>
      {reasons.map((r) => (
        <li class="reason" key={r} data-testid={`reason-${r}`}>
          {codeText(t, r)}
        </li>
      ))}
    </ul>
  );
}

export function ResultScreen({ view }: { view: CheckinView }) {
  const { t } = useUi();
  const decision = view.decision;
  const outcome = decision?.decision ?? null;
  useEffect(() => {
    if (outcome) playCue(outcome === 'admitted' ? 'success' : 'attention');
  }, [outcome]);
  if (!decision) return <ScreenFrame name="result" heading={t.screens.result} />;
  const ticket = decision.ticket ?? null;
  const data = ticket ? { ...dataOf(decision), ticket: ticket.number } : dataOf(decision);
  const icon = (
    <div class={`outcome-icon ${decision.decision}`} aria-hidden="true">
      {OUTCOME_ICON[decision.decision]}
    </div>
  );
  return (
    // The ticket needs the room more than the icon; its printed line carries its own mark.
    <ScreenFrame name="result" heading={promptText(view, t)} data={data} icon={ticket ? null : icon}>
      {view.person && (
        <p class="person" data-testid="person" lang="vi">
          {view.person.fullName}
        </p>
      )}
      {ticket ? <TicketDetails ticket={ticket} /> : <Reasons reasons={decision.reasons} />}
      {!ticket && (
        <p class="advice" data-testid="advice">
          {t.advice[adviceFor(decision)]}
        </p>
      )}
      <Notice code={view.notice} />
      {view.countdownMs !== null && <Countdown ms={view.countdownMs} />}
    </ScreenFrame>
  );
}
