// Nobody is being served: place the card (or scan its QR code first); at an airport, the
// boarding pass or the card, whichever comes first.
import type { CheckinView } from '../../main/api/contract.js';
import { Notice } from '../components/notice.js';
import { useUi } from '../ui-context.js';
import { promptText } from './prompt.js';
import { ScreenFrame } from '../components/screen-frame.js';

export function IdleScreen({ view }: { view: CheckinView }) {
  const { t } = useUi();
  if (view.workflow === 'airport') {
    const icons = (
      <div class="icons" aria-hidden="true">
        <div class="pass-icon" />
        <div class="card-icon" />
      </div>
    );
    return (
      <ScreenFrame name="idle" heading={promptText(view, t)} icon={icons}>
        <p class="detail">{t.airport.idlePass}</p>
        <p class="detail">{t.airport.idleCard}</p>
        <Notice code={view.notice} />
      </ScreenFrame>
    );
  }
  return (
    <ScreenFrame name="idle" heading={promptText(view, t)} icon={<div class="card-icon" aria-hidden="true" />}>
      <p class="detail">{t.idleDetail}</p>
      <p class="detail">{t.idleQr}</p>
      <Notice code={view.notice} />
    </ScreenFrame>
  );
}
