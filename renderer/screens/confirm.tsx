// Hospital: the visit as it will be ticketed (clinic, booking, payment), to confirm.
import type { CheckinView } from '../../main/api/contract.js';
import { Actions, BackButton, CancelButton } from '../components/actions.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { clinicName } from '../format.js';
import { send, useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

export function ConfirmScreen({ view }: { view: CheckinView }) {
  const { kiosk, t, language } = useUi();
  const visit = view.visit;
  const clinic = visit?.clinic ?? visit?.appointment?.clinic ?? null;
  return (
    <ScreenFrame name="confirm" heading={promptText(view, t)}>
      <dl class="summary">
        <dt>{visit?.appointment ? t.confirm.appointment(visit.appointment.time) : t.confirm.chosen}</dt>
        <dd data-testid="confirm-clinic">{clinic ? `${clinicName(clinic, language)} · ${t.clinic.room(clinic.room)}` : ''}</dd>
        <dt>{t.confirm.paymentLabel}</dt>
        <dd data-testid="confirm-payment">{t.confirm.payment[visit?.feePaying ? 'fee-paying' : 'insurance']}</dd>
      </dl>
      <Notice code={view.notice} />
      <Actions>
        <button type="button" class="btn primary" data-testid="confirm" onClick={() => send(kiosk.request('checkin.confirm', {}))}>
          {t.confirm.getTicket}
        </button>
        <BackButton />
        <CancelButton />
      </Actions>
    </ScreenFrame>
  );
}
