// The core's one-line note (card removed early, try again…), in words.
import { codeText } from '../i18n.js';
import { useUi } from '../ui-context.js';

export function Notice({ code }: { code: string | null }) {
  const { t } = useUi();
  if (!code) return null;
  return (
    <p class="notice" role="status" data-testid="notice">
      <span class="icon" aria-hidden="true">
        !
      </span>{' '}
      {codeText(t, code)}
    </p>
  );
}
