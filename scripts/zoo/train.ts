/**
 * The zoo's training loop: AdamW with linear warm-up and cosine decay on every parameter of the
 * tower (plus any extra trainables), one loss per step from a caller-supplied batch function.
 * Logs the mean loss every `logEvery` steps with the time per step.
 */
import * as tf from '@tensorflow/tfjs';
import { AdamW, cosineLr } from './adamw';

export interface TrainOptions {
  steps: number;
  /** Peak learning rate. */
  lr: number;
  /** Warm-up steps (linear from 0). */
  warmup: number;
  weightDecay: number;
  /** The loss of step i, a scalar built from the variables (runs inside the gradient tape). */
  loss: (step: number) => tf.Scalar;
  /** Called every `logEvery` steps with the mean loss since the last call. */
  log?: (step: number, meanLoss: number, msPerStep: number) => void;
  logEvery?: number;
}

/** Trains `vars` in place; returns the mean loss of each logging window. */
export async function train(vars: ReadonlyMap<string, tf.Variable>, o: TrainOptions): Promise<number[]> {
  const opt = new AdamW(vars, { weightDecay: o.weightDecay });
  const byId = new Map([...vars].map(([name, v]) => [v.name, name]));
  const list = [...vars.values()];
  const every = o.logEvery ?? 50;
  const history: number[] = [];
  let sum = 0;
  let t0 = performance.now();
  try {
    for (let step = 0; step < o.steps; step++) {
      const { value, grads } = tf.variableGrads(() => o.loss(step), list);
      const named = new Map(Object.entries(grads).map(([id, g]) => [byId.get(id)!, g]));
      opt.step(named, cosineLr(step, o.steps, o.warmup, o.lr));
      sum += (await value.data())[0];
      value.dispose();
      tf.dispose(Object.values(grads));
      if ((step + 1) % every === 0 || step === o.steps - 1) {
        const n = (step % every) + 1;
        history.push(sum / n);
        o.log?.(step + 1, sum / n, (performance.now() - t0) / n);
        sum = 0;
        t0 = performance.now();
      }
    }
  } finally {
    opt.dispose();
  }
  return history;
}
