// The card reading's real progress: files read of the files to read, as a bar and in words.
import { useUi } from '../ui-context.js';

export function ProgressBar({ read, total }: { read: number; total: number }) {
  const { t } = useUi();
  const text = t.progress(read, total);
  return (
    <div class="progress">
      <progress
        max={Math.max(total, 1)}
        value={total ? read : 0}
        aria-label={t.progressLabel}
        aria-valuemin={0}
        aria-valuemax={Math.max(total, 1)}
        aria-valuenow={total ? read : 0}
        aria-valuetext={text}
      />
      <p data-testid="progress">{text}</p>
    </div>
  );
}
