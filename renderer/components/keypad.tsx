// A big on-screen numeric keypad (the card's six digits, the staff PIN), also driven by the
// physical keyboard: digits, Backspace, Enter. What is typed stays here until OK.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useUi } from '../ui-context.js';

interface Props {
  /** Prefix of the testids: `${testid}-0`…`-9`, `-erase`, `-ok`. */
  testid: string;
  minLength: number;
  maxLength: number;
  /** Show dots instead of the digits (a PIN). */
  masked?: boolean;
  disabled?: boolean;
  label: string;
  onSubmit: (digits: string) => void;
}

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function Keypad({ testid, minLength, maxLength, masked = false, disabled = false, label, onSubmit }: Props) {
  const { t } = useUi();
  const [digits, setDigits] = useState('');
  const ready = digits.length >= minLength && !disabled;
  const type = (d: string) => setDigits((s) => (s.length < maxLength ? s + d : s));
  const erase = () => setDigits((s) => s.slice(0, -1));
  const submit = () => {
    if (!ready) return;
    onSubmit(digits);
    setDigits('');
  };
  // The keyboard listener is installed once and reads the latest render through this ref:
  // a key pressed right after another must not meet a listener from an older render.
  const latest = useRef({ type, erase, submit, disabled });
  latest.current = { type, erase, submit, disabled };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = latest.current;
      if (k.disabled || e.altKey || e.ctrlKey || e.metaKey) return;
      if (/^[0-9]$/.test(e.key)) k.type(e.key);
      else if (e.key === 'Backspace') k.erase();
      // Enter on a focused button is that button's own press.
      else if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement)) k.submit();
      else return;
      e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const shown = masked ? '•'.repeat(digits.length) : digits;
  return (
    <div class="keypad" role="group" aria-label={label}>
      <output class="keypad-display" data-testid={`${testid}-display`}>
        {/* A PIN shows only as many dots as typed: its length is not given away. */}
        {Array.from({ length: masked ? digits.length : maxLength }, (_, i) => (
          <span class={i < digits.length ? 'slot filled' : 'slot'} key={i} aria-hidden="true">
            {shown[i] ?? ''}
          </span>
        ))}
        <span class="sr-only">{t.keypad.typed(digits.length, maxLength)}</span>
      </output>
      <div class="keys">
        {KEYS.map((d) => (
          <button type="button" class="key" key={d} data-testid={`${testid}-${d}`} disabled={disabled} onClick={() => type(d)}>
            {d}
          </button>
        ))}
        <button type="button" class="key erase" data-testid={`${testid}-erase`} disabled={disabled} onClick={erase}>
          <span aria-hidden="true">⌫ </span>
          {t.keypad.erase}
        </button>
        <button type="button" class="key" data-testid={`${testid}-0`} disabled={disabled} onClick={() => type('0')}>
          0
        </button>
        <button type="button" class="key ok" data-testid={`${testid}-ok`} disabled={!ready} onClick={submit}>
          {t.keypad.ok}
        </button>
      </div>
    </div>
  );
}
