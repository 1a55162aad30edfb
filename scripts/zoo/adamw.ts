/**
 * AdamW (Loshchilov & Hutter): Adam moments with bias correction, plus weight decay applied
 * directly to the weights (θ ← θ − lr·wd·θ), not through the gradient. Decay only applies to
 * matrices (weights of linear/conv/projection layers), never to biases, norms or embeddings —
 * the usual CLIP fine-tuning recipe. The learning rate is passed per step (for schedules).
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** Whether a canonical parameter gets weight decay: ≥ 2-D weights other than embeddings. */
export function decays(name: string, shape: readonly number[]): boolean {
  return shape.length >= 2 && !name.includes('position_embedding');
}

export class AdamW {
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private t = 0;
  private readonly o: Required<AdamWOptions>;

  constructor(private readonly vars: ReadonlyMap<string, tf.Variable>, opts: AdamWOptions = {}) {
    this.o = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, ...opts };
    for (const [n, x] of vars) {
      this.m.set(n, tf.variable(tf.zerosLike(x), false));
      this.v.set(n, tf.variable(tf.zerosLike(x), false));
    }
  }

  /** One update from gradients keyed like the variables (missing = no update). */
  step(grads: ReadonlyMap<string, tf.Tensor>, lr: number): void {
    this.t++;
    const { beta1: b1, beta2: b2, eps, weightDecay } = this.o;
    const c1 = 1 - b1 ** this.t;
    const c2 = 1 - b2 ** this.t;
    tf.tidy(() => {
      for (const [n, x] of this.vars) {
        const g = grads.get(n);
        if (!g) continue;
        const m = this.m.get(n)!;
        const v = this.v.get(n)!;
        m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
        v.assign(tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2)));
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
        const decayed = decays(n, x.shape) ? tf.mul(x, 1 - lr * weightDecay) : x;
        x.assign(tf.sub(decayed, tf.mul(update, lr)));
      }
    });
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

/** Linear warm-up to `peak` over `warmup` steps, then cosine decay to 0 at `total`. */
export function cosineLr(step: number, total: number, warmup: number, peak: number): number {
  if (step < warmup) return (peak * (step + 1)) / warmup;
  const p = (step - warmup) / Math.max(1, total - warmup);
  return 0.5 * peak * (1 + Math.cos(Math.PI * Math.min(1, p)));
}
