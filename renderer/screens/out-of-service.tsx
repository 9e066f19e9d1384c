// Staff took the kiosk out of service.
import type { CheckinView } from '../../main/api/contract.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

export function OutOfServiceScreen({ view }: { view: CheckinView }) {
  const { t } = useUi();
  return (
    <ScreenFrame name="out-of-service" heading={promptText(view, t)} icon={<div class="stop-icon" aria-hidden="true" />}>
      <p class="detail">{t.outOfServiceDetail}</p>
    </ScreenFrame>
  );
}
