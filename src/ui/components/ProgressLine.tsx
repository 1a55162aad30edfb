/** A running operation: its stage and a thin bar. */
import type { Progress } from '../../worker/api';

export function ProgressLine({ progress, label }: { progress: Progress | null; label: string }) {
  const fraction = progress && progress.total > 0 ? progress.done / progress.total : 0;
  return (
    <div className="progress" role="status">
      <span>{label}{progress ? `: ${progress.stage}…` : '…'}</span>
      <progress max={1} value={fraction} />
    </div>
  );
}
