// The check-in's result: the queue ticket when the hospital admitted the person with one; at an
// airport the gate (open, or could not open) with the flight; otherwise the outcome with its
// reasons and what to do. All go back to the start by themselves.
import { useEffect } from 'preact/hooks';
import type { CheckinView, DecisionView, TicketView } from '../../main/api/contract.js';
import { adviceFor, airportAdviceFor } from '../advice.js';
import { Countdown } from '../components/countdown.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { clinicName } from '../format.js';
import { codeText, type Messages } from '../i18n.js';
import { playCue } from '../sound.js';
import { useUi } from '../ui-context.js';
import { gateOf, promptText } from './prompt.js';

const OUTCOME_ICON: Record<DecisionView['decision'], string> = { admitted: '✓', refused: '✕', referred: '!' };

type Flight = NonNullable<DecisionView['flight']>;

function dataOf(view: CheckinView, decision: DecisionView): Record<string, string> {
  const data: Record<string, string> = { outcome: decision.decision, face: decision.face.status, reason: decision.reasons.join(' ') };
  if (decision.ticket) data['ticket'] = decision.ticket.number;
  else data['advice'] = view.workflow === 'airport' ? airportAdviceFor(decision) : adviceFor(decision);
  const gate = gateOf(view);
  if (gate) data['gate'] = gate;
  if (decision.flight) data['flight'] = decision.flight.id;
  return data;
}

/** What to do next, in words; at an airport the wrong gate names the right one when the core knows it. */
function adviceText(view: CheckinView, decision: DecisionView, t: Messages): string {
  if (view.workflow !== 'airport') return t.advice[adviceFor(decision)];
  const advice = airportAdviceFor(decision);
  return advice === 'wrong-gate' ? t.airport.wrongGate(decision.flight?.gate ?? null) : t.airport.advice[advice];
}

/** The boarding pass's flight as the core matched it: flight, seat, gate, departure. */
function FlightDetails({ flight }: { flight: Flight }) {
  const { t } = useUi();
  const f = t.airport.flight;
  return (
    <dl class="summary flight" aria-label={t.airport.flightLabel}>
      <dt>{f.id}</dt>
      <dd data-testid="flight-id">{flight.id}</dd>
      <dt>{f.seat}</dt>
      <dd data-testid="flight-seat">{flight.seat}</dd>
      {flight.gate !== null && (
        <>
          <dt>{f.gate}</dt>
          <dd data-testid="flight-gate">{flight.gate}</dd>
        </>
      )}
      {flight.departure !== null && (
        <>
          <dt>{f.departure}</dt>
          <dd data-testid="flight-departure">{flight.departure}</dd>
        </>
      )}
    </dl>
  );
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
          {{ failed: '!', printed: '✓', pending: '…', none: '#' }[ticket.printed]}
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
  const gate = gateOf(view);
  // A gate that did not open needs the person's attention as much as a refusal does.
  const good = outcome === 'admitted' && gate !== 'fault';
  useEffect(() => {
    if (outcome) playCue(good ? 'success' : 'attention');
  }, [outcome, good]);
  if (!decision) return <ScreenFrame name="result" heading={t.screens.result} />;
  const ticket = decision.ticket ?? null;
  const kind = gate === 'fault' ? 'referred' : decision.decision;
  const icon = (
    <div class={`outcome-icon ${kind}`} aria-hidden="true">
      {OUTCOME_ICON[kind]}
    </div>
  );
  return (
    // The ticket needs the room more than the icon; its printed line carries its own mark.
    <ScreenFrame name="result" heading={promptText(view, t)} data={dataOf(view, decision)} icon={ticket ? null : icon}>
      {view.person && (
        <p class="person" data-testid="person" lang="vi">
          {view.person.fullName}
        </p>
      )}
      {decision.flight && <FlightDetails flight={decision.flight} />}
      {ticket ? <TicketDetails ticket={ticket} /> : <Reasons reasons={decision.reasons} />}
      {!ticket && (
        <p class="advice" data-testid="advice">
          {adviceText(view, decision, t)}
        </p>
      )}
      <Notice code={view.notice} />
      {view.countdownMs !== null && <Countdown ms={view.countdownMs} format={gate === 'open' ? t.airport.gateCloses : t.countdown} />}
    </ScreenFrame>
  );
}
