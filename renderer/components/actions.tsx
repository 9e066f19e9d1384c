// The buttons that move a check-in along, each one request to the core.
import type { ComponentChildren } from 'preact';
import { send, useUi } from '../ui-context.js';

export function Actions({ children }: { children: ComponentChildren }) {
  return <div class="actions">{children}</div>;
}

export function CancelButton() {
  const { kiosk, t } = useUi();
  return (
    <button type="button" class="btn secondary" data-testid="cancel" onClick={() => send(kiosk.request('checkin.cancel', {}))}>
      {t.cancel}
    </button>
  );
}

export function BackButton() {
  const { kiosk, t } = useUi();
  return (
    <button type="button" class="btn secondary" data-testid="back" onClick={() => send(kiosk.request('checkin.back', {}))}>
      {t.back}
    </button>
  );
}
