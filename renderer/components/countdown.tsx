// "Back to the start in N s": the core says how long from when it sent the view; the
// seconds tick here, so no message is needed each second.
import { useEffect, useState } from 'preact/hooks';
import { useUi } from '../ui-context.js';

interface Props {
  ms: number;
  /** The words around the seconds (default: back to the start). */
  format?: (seconds: number) => string;
}

export function Countdown({ ms, format }: Props) {
  const { t } = useUi();
  const [left, setLeft] = useState(ms);
  useEffect(() => {
    const end = Date.now() + ms;
    setLeft(ms);
    const timer = setInterval(() => setLeft(Math.max(0, end - Date.now())), 250);
    return () => clearInterval(timer);
  }, [ms]);
  return (
    <p class="countdown" data-testid="countdown">
      {(format ?? t.countdown)(Math.ceil(left / 1000))}
    </p>
  );
}
