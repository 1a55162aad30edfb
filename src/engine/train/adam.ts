/**
 * Adam (Kingma & Ba) as PyTorch's torch.optim.Adam computes it: per parameter m, v and a step
 * count of its own (bias corrections 1 − βᵏ use that parameter's count, so a task's module that is
 * stepped only on its own batches is corrected like PyTorch's), ε added after the square root.
 * Why not tf.train.adam: tfjs 4.22 keys its moment estimates by the POSITION of a gradient in
 * the list passed to applyGradients, not by variable, so per-task variable lists (Surgery,
 * IntervMerge, Tinting) would share moments between tasks.
 */
import * as tf from '@tensorflow/tfjs';

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
  k: number;
}

export class Adam {
  private readonly slots = new Map<tf.Variable, Slot>();

  constructor(readonly lr: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {}

  /** One update of each variable from its gradient (same shape). Gradients are not disposed. */
  apply(grads: ReadonlyMap<tf.Variable, tf.Tensor>): void {
    tf.tidy(() => {
      for (const [x, g] of grads) {
        let s = this.slots.get(x);
        if (!s) {
          s = { m: tf.variable(tf.zerosLike(x), false), v: tf.variable(tf.zerosLike(x), false), k: 0 };
          this.slots.set(x, s);
        }
        s.k++;
        s.m.assign(tf.add(tf.mul(s.m, this.beta1), tf.mul(g, 1 - this.beta1)));
        s.v.assign(tf.add(tf.mul(s.v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        const mHat = tf.div(s.m, 1 - this.beta1 ** s.k);
        const denom = tf.add(tf.sqrt(tf.div(s.v, 1 - this.beta2 ** s.k)), this.eps);
        x.assign(tf.sub(x, tf.mul(tf.div(mHat, denom), this.lr)));
      }
    });
  }

  /** Loss f() and one update of `vars` from its gradient; returns the loss (caller disposes it). */
  minimize(f: () => tf.Scalar, vars: readonly tf.Variable[]): tf.Scalar {
    const { value, grads } = tf.variableGrads(f, [...vars]);
    this.apply(new Map(vars.map((v) => [v, grads[v.name]])));
    tf.dispose(grads);
    return value;
  }

  dispose(): void {
    for (const s of this.slots.values()) tf.dispose([s.m, s.v]);
    this.slots.clear();
  }
}
