// The chip is being read: how far, and what to do if it seems stuck.
import type { CheckinView } from '../../main/api/contract.js';
import { Actions, CancelButton } from '../components/actions.js';
import { Notice } from '../components/notice.js';
import { ProgressBar } from '../components/progress-bar.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

export function ReadingScreen({ view }: { view: CheckinView }) {
  const { t } = useUi();
  return (
    <ScreenFrame name="reading" heading={promptText(view, t)} icon={<div class="card-icon reading" aria-hidden="true" />}>
      <ProgressBar read={view.progress?.read ?? 0} total={view.progress?.total ?? 0} />
      <p class="detail">{t.readingStalled}</p>
      <Notice code={view.notice} />
      <Actions>
        <CancelButton />
      </Actions>
    </ScreenFrame>
  );
}
