// Airport: the card is read, the boarding pass is still to be scanned.
import type { CheckinView } from '../../main/api/contract.js';
import { Actions, CancelButton } from '../components/actions.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

export function WaitingPassScreen({ view }: { view: CheckinView }) {
  const { t } = useUi();
  return (
    <ScreenFrame name="waiting-pass" heading={promptText(view, t)} icon={<div class="pass-icon" aria-hidden="true" />}>
      <p class="detail">{t.airport.idlePass}</p>
      <Notice code={view.notice} />
      <Actions>
        <CancelButton />
      </Actions>
    </ScreenFrame>
  );
}
