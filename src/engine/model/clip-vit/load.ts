/**
 * Loads a checkpoint's canonical parameters into tfjs tensors (float32), one tensor at a time.
 * The returned ParamMap owns its tensors: release them with disposeParams.
 */
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from '../../errors';
import { disposeParams, type ParamMap } from '../../params/param-map';
import type { Checkpoint } from './checkpoint';

export interface LoadOptions {
  /** Only these canonical parameters (default: all of them). */
  names?: string[];
}

/** canonical name → tf.Tensor (float32) for every parameter of `ck` (or the `names` asked for). */
export async function loadParams(ck: Checkpoint, opts: LoadOptions = {}): Promise<ParamMap> {
  const specs = new Map(ck.params.map((p) => [p.name, p]));
  const names = opts.names ?? [...specs.keys()];
  const unknown = names.filter((n) => !specs.has(n));
  if (unknown.length) {
    throw new CheckpointError(ck.name, `has no parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}.`,
      'Ask for canonical Hugging Face names (vision_model.…, visual_projection.weight) listed in checkpoint.params.');
  }
  const out: ParamMap = new Map();
  try {
    for (const name of names) {
      const values = await ck.readParam(name);
      out.set(name, tf.tensor(values, specs.get(name)!.shape, 'float32'));
    }
  } catch (e) {
    disposeParams(out);
    throw e;
  }
  return out;
}
