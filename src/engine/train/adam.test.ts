// Adam against PyTorch's torch.optim.Adam (the reference the trained methods follow): two
// variables in one optimiser, stepped interleaved the way per-task modules are (a, b, a, a, b, b),
// each with its own step count. The expected values were computed with torch 1.13 in float64:
//
//   a = Parameter([0.5, -1.0]); b = Parameter([[2.0], [0.25]])
//   opt = torch.optim.Adam([a, b], lr=0.01)            # β (0.9, 0.999), ε 1e-8
//   for who, g in [('a', [0.2, -0.4]), ('b', [[1.0], [-3.0]]), ('a', [-0.1, 0.3]),
//                  ('a', [0.5, 0.05]), ('b', [[-2.0], [0.5]]), ('b', [[0.25], [1.0]])]:
//       opt.zero_grad(set_to_none=True); (a if who == 'a' else b).grad = tensor(g); opt.step()
//
// By hand for the first step of each variable: m̂ = g, v̂ = g², so x −= lr·g/(|g| + ε) = 0.01·sign(g)
// (0.5 → 0.49, −1 → −0.99). Without the bias correction the first step would be 0.01·0.1/√0.001
// = 0.0316; with a shared step count b's first step would be 0.0074; with lr × 10, 0.1.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Adam } from './adam';
import { HostAdam } from './adam-host';

const STEPS: ['a' | 'b', number[]][] = [['a', [0.2, -0.4]], ['b', [1.0, -3.0]], ['a', [-0.1, 0.3]], ['a', [0.5, 0.05]], ['b', [-2.0, 0.5]], ['b', [0.25, 1.0]]];
/** torch's a and b (flattened) after each step above. */
const TORCH: [number[], number[]][] = [
  [[0.4900000005, -0.99000000025], [2.0, 0.25]],
  [[0.4900000005, -0.99000000025], [1.9900000001, 0.2599999999666667]],
  [[0.4873366302718676, -0.9891067502012136], [1.9900000001, 0.2599999999666667]],
  [[0.4806643440848784, -0.9890558574203054], [1.9900000001, 0.2599999999666667]],
  [[0.4806643440848784, -0.9890558574203054], [1.9936610353472075, 0.2653853754609059]],
  [[0.4806643440848784, -0.9890558574203054], [1.9957632682093718, 0.2673425298013714]],
];

describe('Adam', () => {
  it('follows torch.optim.Adam step by step, with a step count per variable (two tasks interleaved)', () => {
    const before = tf.memory().numTensors;
    const a = tf.tidy(() => tf.variable(tf.tensor1d([0.5, -1.0])));
    const b = tf.tidy(() => tf.variable(tf.tensor2d([[2.0], [0.25]])));
    const opt = new Adam(0.01);
    STEPS.forEach(([who, g], i) => {
      const grad = who === 'a' ? tf.tensor1d(g) : tf.tensor2d(g, [2, 1]);
      opt.apply(new Map([[who === 'a' ? a : b, grad]]));
      grad.dispose();
      const [wantA, wantB] = TORCH[i];
      Array.from(a.dataSync()).forEach((v, j) => expect(Math.abs(v - wantA[j]), `step ${i + 1} a[${j}]`).toBeLessThan(1e-6));
      Array.from(b.dataSync()).forEach((v, j) => expect(Math.abs(v - wantB[j]), `step ${i + 1} b[${j}]`).toBeLessThan(1e-6));
    });
    opt.dispose();
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('minimize takes the gradient of f: x² from x = 3 moves by lr·sign on the first step, toward 0', () => {
    const x = tf.variable(tf.scalar(3));
    const opt = new Adam(0.5);
    const loss = opt.minimize(() => tf.square(x) as tf.Scalar, [x]);
    expect(loss.dataSync()[0]).toBe(9); // the loss before the step
    loss.dispose();
    expect(x.dataSync()[0]).toBeCloseTo(2.5, 6);
    opt.dispose();
    x.dispose();
  });
});

describe('HostAdam (Adam on host arrays)', () => {
  it('follows the same torch.optim.Adam steps, with a step count per parameter', () => {
    const a = Float32Array.from([0.5, -1.0]);
    const b = Float32Array.from([2.0, 0.25]);
    const opt = new HostAdam<string>(0.01);
    STEPS.forEach(([who, g], i) => {
      opt.apply(who, who === 'a' ? a : b, g);
      const [wantA, wantB] = TORCH[i];
      a.forEach((v, j) => expect(Math.abs(v - wantA[j]), `step ${i + 1} a[${j}]`).toBeLessThan(1e-6));
      b.forEach((v, j) => expect(Math.abs(v - wantB[j]), `step ${i + 1} b[${j}]`).toBeLessThan(1e-6));
    });
  });

  it('gives the same float32 bits as Adam on tfjs for the same gradients (20 steps, gradients spanning 1e-6 to 1e3)', () => {
    let seed = 12345;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
    const n = 257;
    const x0 = Float32Array.from({ length: n }, () => rand());
    const v = tf.variable(tf.tensor1d(x0));
    const host = x0.slice();
    const opt = new Adam(3e-3);
    const hostOpt = new HostAdam(3e-3);
    for (let s = 0; s < 20; s++) {
      const g = Float32Array.from({ length: n }, (_, i) => (i % 17 === 0 ? 0 : rand() * 10 ** Math.round(4.5 * rand() - 1.5)));
      const gt = tf.tensor1d(g);
      opt.apply(new Map([[v, gt]]));
      gt.dispose();
      hostOpt.apply(v, host, g);
    }
    expect(Array.from(host)).toEqual(Array.from(v.dataSync()));
    expect(Array.from(host)).not.toEqual(Array.from(x0));
    opt.dispose();
    v.dispose();
  });
});
