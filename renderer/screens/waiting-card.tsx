// The access key is known (or not needed yet): the card goes on the reader.
import type { CheckinView } from '../../main/api/contract.js';
import { Actions, CancelButton } from '../components/actions.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

export function WaitingCardScreen({ view }: { view: CheckinView }) {
  const { t } = useUi();
  return (
    <ScreenFrame name="waiting-card" heading={promptText(view, t)} icon={<div class="card-icon" aria-hidden="true" />}>
      <p class="detail">{t.idleDetail}</p>
      <Notice code={view.notice} />
      <Actions>
        <CancelButton />
      </Actions>
    </ScreenFrame>
  );
}
