// The card needs its access key: the QR code on its front, or its six printed digits typed here.
import type { CheckinView } from '../../main/api/contract.js';
import { Actions, CancelButton } from '../components/actions.js';
import { Keypad } from '../components/keypad.js';
import { Notice } from '../components/notice.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { send, useUi } from '../ui-context.js';
import { promptText } from './prompt.js';

export function NeedAccessScreen({ view }: { view: CheckinView }) {
  const { kiosk, t } = useUi();
  return (
    <ScreenFrame name="need-access" heading={promptText(view, t)}>
      <p class="detail">{t.needAccessDetail}</p>
      <Notice code={view.notice} />
      <Keypad
        testid="keypad"
        minLength={6}
        maxLength={6}
        label={t.keypad.label}
        onSubmit={(can) => send(kiosk.request('checkin.enterCan', { can }))}
      />
      <Actions>
        <CancelButton />
      </Actions>
    </ScreenFrame>
  );
}
