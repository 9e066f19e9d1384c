// Hospital: what the roster says of the person's health insurance, and how to go on.
import type { CheckinView, VisitView } from '../../main/api/contract.js';
import { Actions, CancelButton } from '../components/actions.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { formatDate } from '../format.js';
import { send, useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

type Insurance = NonNullable<VisitView['insurance']>;

function StaleMark() {
  const { t } = useUi();
  return (
    <p class="stale" data-testid="roster-stale">
      <span class="icon" aria-hidden="true">
        ⚠
      </span>{' '}
      {t.insurance.stale}
    </p>
  );
}

function Covered({ insurance }: { insurance: Insurance }) {
  const { kiosk, t } = useUi();
  return (
    <>
      <p class="status good" data-testid="insurance-status">
        <span class="icon" aria-hidden="true">
          ✓
        </span>{' '}
        {t.insurance.status.covered}
      </p>
      <ul class="facts">
        {insurance.level !== null && <li data-testid="insurance-level">{t.insurance.level(insurance.level)}</li>}
        {insurance.validUntil && <li data-testid="insurance-valid-until">{t.insurance.validUntil(formatDate(insurance.validUntil))}</li>}
        {insurance.facility && <li data-testid="insurance-facility">{t.insurance.facility(insurance.facility)}</li>}
      </ul>
      <Actions>
        <button
          type="button"
          class="btn primary"
          data-testid="continue"
          onClick={() => send(kiosk.request('checkin.continue', { feePaying: false }))}
        >
          {t.insurance.continue}
        </button>
        <CancelButton />
      </Actions>
    </>
  );
}

function NotCovered({ insurance }: { insurance: Insurance }) {
  const { kiosk, t } = useUi();
  const status = insurance.status === 'covered' ? 'unknown' : insurance.status;
  return (
    <>
      <p class="status warn" data-testid="insurance-status">
        <span class="icon" aria-hidden="true">
          !
        </span>{' '}
        {t.insurance.status[status]}
      </p>
      {insurance.validUntil && <p class="detail">{t.insurance.validUntil(formatDate(insurance.validUntil))}</p>}
      <p class="detail">{t.insurance.explain[status]}</p>
      <Actions>
        <button
          type="button"
          class="btn primary"
          data-testid="fee-paying"
          onClick={() => send(kiosk.request('checkin.continue', { feePaying: true }))}
        >
          {t.insurance.feePaying}
        </button>
        <CancelButton />
      </Actions>
    </>
  );
}

export function InsuranceScreen({ view }: { view: CheckinView }) {
  const { t } = useUi();
  const insurance = view.visit?.insurance ?? null;
  return (
    <ScreenFrame name="insurance" heading={promptText(view, t)}>
      {view.person && (
        <p class="person" data-testid="person" lang="vi">
          {view.person.fullName}
        </p>
      )}
      {view.visit?.rosterStale && <StaleMark />}
      {!insurance ? (
        <>
          <p class="detail" role="status" data-testid="insurance-looking-up">
            {t.insurance.lookingUp}
          </p>
          <Actions>
            <CancelButton />
          </Actions>
        </>
      ) : insurance.status === 'covered' ? (
        <Covered insurance={insurance} />
      ) : (
        <NotCovered insurance={insurance} />
      )}
      <Notice code={view.notice} />
    </ScreenFrame>
  );
}
