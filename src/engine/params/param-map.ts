/**
 * ParamMap: canonical parameter name → tensor. Canonical names are the Hugging Face
 * `CLIPVisionModelWithProjection` names (`vision_model.…`, `visual_projection.weight`), whatever
 * layout the checkpoint was stored in. A ParamMap owns its tensors: dispose it with disposeParams.
 */
import * as tf from '@tensorflow/tfjs';

export type ParamMap = Map<string, tf.Tensor>;

export function disposeParams(p: ParamMap): void {
  for (const t of p.values()) t.dispose();
  p.clear();
}

export function countParams(p: ParamMap): number {
  let n = 0;
  for (const t of p.values()) n += t.size;
  return n;
}
