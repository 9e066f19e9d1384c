// Hospital, no booking today: the site's clinics as large buttons.
import type { CheckinView } from '../../main/api/contract.js';
import { Actions, BackButton, CancelButton } from '../components/actions.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { clinicName } from '../format.js';
import { send, useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

export function ClinicScreen({ view }: { view: CheckinView }) {
  const { kiosk, t, language } = useUi();
  return (
    <ScreenFrame name="clinic" heading={promptText(view, t)}>
      <Notice code={view.notice} />
      <ul class="clinics" aria-label={t.clinic.listLabel}>
        {(view.visit?.clinics ?? []).map((c) => (
          <li key={c.id}>
            <button
              type="button"
              class="btn clinic"
              data-testid={`clinic-${c.id}`}
              onClick={() => send(kiosk.request('checkin.chooseClinic', { clinic: c.id }))}
            >
              <span class="clinic-name">{clinicName(c, language)}</span>
              <span class="clinic-room">{t.clinic.room(c.room)}</span>
            </button>
          </li>
        ))}
      </ul>
      <Actions>
        <BackButton />
        <CancelButton />
      </Actions>
    </ScreenFrame>
  );
}
