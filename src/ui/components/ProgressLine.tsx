/**
 * A running operation: its stage, a thin bar and, when the engine says what it counts, how far
 * (bytes, images, …) and how fast (evaluation: images/s; progress-text.ts). The page's one
 * progress display for long work: a polite live region, so a screen reader hears the stage names; the bar carries the label as its accessible name.
 */
import type { Progress } from '../../worker/api';
import { progressDetail } from './progress-text';

export function ProgressLine({ progress, label }: { progress: Progress | null; label: string }) {
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
  const detail = progress ? progressDetail(progress) : '';
  return (
    <div className="progress" role="status" aria-live="polite" data-testid="progress">
      <span>{label}{progress ? `: ${progress.stage}…` : '…'}</span>
      <progress max={1} value={fraction} aria-label={label} />
      {detail && <span className="progress-detail">{detail}</span>}
    </div>
  );
}
