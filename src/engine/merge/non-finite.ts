/** The typed error for a NaN/±Inf met while merging: which model and tensor hold it, and what to do. */
import { MergelabError } from '../errors';
import { numel } from '../io/safetensors';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import type { PoolReader, TensorInputs } from './pool-reader';

/** The error for a non-finite value at element j of tensor x, naming the model that has it (or the overflow). */
export function nonFiniteError(reader: PoolReader, x: TensorInputs, j: number): MergelabError {
  const models: [Checkpoint, Float32Array][] = [[reader.pretrained, x.base], ...x.experts.map((v, t): [Checkpoint, Float32Array] => [reader.experts[t], v])];
  const found = models.find(([, v]) => !Number.isFinite(v[j]));
  if (!found) {
    return new MergelabError('non-finite', `Merging overflows float32 in tensor "${x.spec.name}" at element ${j}.`, 'The weights are too large for this merge; lower λ or check the checkpoints.');
  }
  const [ck, v] = found;
  let bad = 0;
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) bad++;
  return new MergelabError('non-finite', `model "${ck.name}": tensor "${x.spec.name}" contains ${v[j]} at element ${j} (${bad} non-finite value${bad === 1 ? '' : 's'} of ${numel(x.spec.shape)} in this tensor).`,
    'The checkpoint is corrupt or its fine-tuning diverged: re-export or re-download it, or leave it out of the pool.');
}
