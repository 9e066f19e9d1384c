// The core is deciding (and recording, printing): nothing to do but wait.
import type { CheckinView } from '../../main/api/contract.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

export function DecidingScreen({ view }: { view: CheckinView }) {
  const { t } = useUi();
  return (
    <ScreenFrame name="deciding" heading={promptText(view, t)} icon={<div class="spinner" aria-hidden="true" />}>
      <Notice code={view.notice} />
    </ScreenFrame>
  );
}
