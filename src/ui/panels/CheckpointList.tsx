/** Every loaded checkpoint as a card; failures stay listed beside the models that loaded. */
import { pretrainedKey } from '../../state/checkpoint-selectors';
import { useLab } from '../store-context';
import { CheckpointCard } from './CheckpointCard';

export function CheckpointList() {
  const checkpoints = useLab((s) => s.checkpoints);
  const pre = useLab(pretrainedKey);
  if (checkpoints.length === 0) return <p className="muted empty">No models loaded yet.</p>;
  return (
    <div className="cards" data-testid="checkpoints">
      {checkpoints.map((c) => <CheckpointCard key={c.key} c={c} pretrained={c.key === pre} />)}
    </div>
  );
}
