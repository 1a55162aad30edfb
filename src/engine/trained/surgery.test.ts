// Representation Surgery: identity at init, the gradient of its loss against finite differences,
// loss decreases on cached pairs, determinism for a seed, no tensor leak, parameter counts.
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { assemble, generatedModule, SURGERY_KERNEL } from '../../../scripts/build-wasm';
import { describe, expect, it } from 'vitest';
import { VIT_B_32 } from '../model/clip-vit/config';
import { createRng } from '../random';
import { TrainingLoop } from '../train/loop';
import { resolveTrainedParams } from '../catalogue';
import { surgery } from '../catalogue/trained/surgery';
import { type SurgeryTask, SurgeryModel } from './surgery';
import { finiteDifference, head, randomRows } from './testing.node';
import { l1 } from './losses';
import { Adam } from '../train/adam';
import { type BatchSampler, gatherRows } from '../train/data';

const P = 8;
/** Individual features = merged ones with a task-specific bias removed by a ReLU-shaped map. */
function tasks(n = 40): SurgeryTask[] {
  return [0, 1].map((t) => {
    const merged = randomRows(n, P, 10 + t);
    const individual = merged.map((v, i) => v - 0.8 * Math.max(0, merged[i - (i % P)] + t) * ((i % P) === t ? 1 : 0.2));
    return { name: `t${t}`, head: head(`t${t}`, 3, P, 20 + t), n, merged, individual };
  });
}
const params = (over = {}) => resolveTrainedParams('surgery', { rank: 4, iterations: 30, ...over });

describe('Representation Surgery', () => {
  it('is the identity at init (Ut = 0) and predicts like the merge', async () => {
    const ts = tasks();
    const m = new SurgeryModel(ts, params(), 100, createRng(1));
    for (let t = 0; t < 2; t++) expect(await m.corrected(t)).toEqual(ts[t].merged);
    m.dispose();
  });

  it('takes |x|\'s derivative at 0 as 0 (PyTorch\'s sign), not tfjs\'s −1: a batch already on its targets leaves U at 0', async () => {
    const ts = tasks(16).map((x) => ({ ...x, individual: x.merged }));
    const m = new SurgeryModel(ts, params(), 100, createRng(3));
    expect(await m.step(0)).toBe(0);
    expect(m.up[0].dataSync().every((v) => v === 0)).toBe(true);
    m.dispose();
  });

  it('computes ẑ = z − U·ReLU(D·z) and takes its first Adam step on numbers worked out by hand', async () => {
    // P 2, r 2. D = [[1, 1], [1, −1]], U = [[0.5, 0], [−1, 2]]; z1 = (1, −2): Dz = (−1, 3), ReLU (0, 3),
    // U·(0, 3) = (0, 6), ẑ1 = (1, −8); z2 = (3, 1): Dz = (4, 2), U·(4, 2) = (2, 0), ẑ2 = (1, 1).
    const before = tf.memory().numTensors;
    const two: SurgeryTask[] = [{ name: 'x', head: head('x', 3, 2, 1), n: 2, merged: Float32Array.from([1, -2, 3, 1]), individual: new Float32Array(4) }];
    const m = new SurgeryModel(two, resolveTrainedParams('surgery', { rank: 2 }), 100, createRng(1));
    tf.tidy(() => { m.down[0].assign(tf.tensor2d([[1, 1], [1, -1]])); m.up[0].assign(tf.tensor2d([[0.5, 0], [-1, 2]])); });
    expect(Array.from(await m.corrected(0))).toEqual([1, -8, 1, 1]);
    // Step 0: both rows (batch min(16, 2)) against targets 0: L1 = (1 + 8 + 1 + 1) / 4.
    expect(await m.step(0)).toBeCloseTo(2.75, 6);
    // ∂L/∂U[p][k] = −Σ_rows sign(ẑ_p − y_p)·ReLU(Dz)_k / 4 = [[−1, −1.25], [−1, 0.25]]; Adam's first
    // step moves each entry by lr·sign(g) against it (lr 1e-3, the paper's).
    const want = [[0.5 + 1e-3, 1e-3], [-1 + 1e-3, 2 - 1e-3]];
    (m.up[0].arraySync() as number[][]).forEach((row, p) => row.forEach((v, k) => expect(Math.abs(v - want[p][k]), `U[${p}][${k}]`).toBeLessThan(1e-6)));
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('has the analytic gradient of ẑ = z − U·ReLU(D·z) under the L1 loss (finite differences)', () => {
    const ts = tasks(16);
    const m = new SurgeryModel(ts, params(), 100, createRng(2));
    m.up[0].assign(tf.tensor2d(randomRows(P, 4, 3, 0.5), [P, 4]));
    const z = tf.tensor2d(ts[0].merged, [16, P]);
    // Targets 5 above every feature keep each |ẑ − y| on one side of its kink (finite differences need smoothness).
    const y = tf.tensor2d(ts[0].individual.map((v) => v + 5), [16, P]);
    const lossWith = (v: tf.Variable, x: tf.Tensor) => {
      const keep = v.clone();
      v.assign(x as tf.Tensor2D);
      const out = l1(m.apply(0, z), y).dataSync()[0];
      v.assign(keep);
      keep.dispose();
      return out;
    };
    for (const v of [m.down[0], m.up[0]]) {
      const g = tf.tidy(() => tf.variableGrads(() => l1(m.apply(0, z), y), [v]).grads[v.name].dataSync());
      const at = [0, 5, 11, 17, 30];
      const scale = Math.max(...Array.from(g, Math.abs));
      expect(scale).toBeGreaterThan(0);
      finiteDifference((x) => lossWith(v, x), v, at, 1e-3).forEach((fd, k) => expect(Math.abs(fd - g[at[k]])).toBeLessThan(2e-2 * scale));
    }
    tf.dispose([z, y]);
    m.dispose();
  });

  it.each([['the SIMD kernel', true], ['the JavaScript loops', false]])('steps with %s as tfjs autodiff + Adam on the same batches would: losses and modules after 8 steps of 2 tasks agree to 1e-6', async (_, simd) => {
    // Targets off every feature (no |ẑ − y| at its kink, where tfjs's abs takes −1 and PyTorch's and step()'s 0).
    const ts = tasks(40).map((x) => ({ ...x, individual: x.individual.map((v, i) => v + 0.05 * Math.sin(i + 1)) }));
    const m = new SurgeryModel(ts, params({ lr: 1e-2 }), 100, createRng(9), { simd });
    expect((m as unknown as { simd: object | null }).simd !== null, 'the path under test').toBe(simd);
    const ref = new SurgeryModel(ts, params({ lr: 1e-2 }), 100, createRng(9)); // the same D and batches, stepped by tf.variableGrads
    const samplers = (ref as unknown as { samplers: BatchSampler[] }).samplers;
    const opt = new Adam(1e-2);
    for (let i = 0; i < 8; i++) {
      const t = Math.floor((i % 4) / 2);
      const idx = samplers[t].next(16);
      const want = tf.tidy(() => opt.minimize(() => l1(ref.apply(t, gatherRows(ts[t].merged, P, idx)), gatherRows(ts[t].individual, P, idx)), [ref.down[t], ref.up[t]]).dataSync()[0]);
      expect(Math.abs((await m.step(i)) - want), `loss of step ${i}`).toBeLessThan(1e-6);
    }
    for (let t = 0; t < 2; t++) {
      for (const [got, want] of [[m.down[t], ref.down[t]], [m.up[t], ref.up[t]]]) {
        const g = got.dataSync();
        expect(g.some((v) => v !== 0)).toBe(true);
        want.dataSync().forEach((v, j) => expect(Math.abs(g[j] - v), `task ${t} ${got.name}[${j}]`).toBeLessThan(1e-6));
      }
    }
    opt.dispose();
    m.dispose();
    ref.dispose();
  });

  it('picks up a module assigned from outside between steps (its loss is then that of U = D = 0: ẑ = z)', async () => {
    const ts = tasks(16);
    const m = new SurgeryModel(ts, params(), 100, createRng(3));
    await m.step(0);
    m.up[0].assign(tf.zeros([P, 4]));
    m.down[0].assign(tf.zeros([4, P]));
    const l = await m.step(1); // its loss is that of the assigned modules: ẑ = z
    expect(Math.abs(l - tf.tidy(() => l1(tf.tensor2d(ts[0].merged, [16, P]), tf.tensor2d(ts[0].individual, [16, P])).dataSync()[0]))).toBeLessThan(1e-6);
    m.dispose();
  });

  it('leaves earlier values of its modules alone: a clone taken between steps keeps its numbers', async () => {
    const m = new SurgeryModel(tasks(16), params(), 100, createRng(3));
    await m.step(0);
    const kept = [m.down[0].clone(), m.up[0].clone()];
    const values = kept.map((x) => x.dataSync().slice());
    await m.step(1);
    kept.forEach((x, k) => expect(x.dataSync()).toEqual(values[k]));
    expect(m.up[0].dataSync()).not.toEqual(values[1]);
    tf.dispose(kept);
    m.dispose();
  });

  it('trains: the L1 loss falls, runs are identical for a seed, nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const run = async (seed: number) => {
      const m = new SurgeryModel(tasks(), params({ lr: 1e-2 }), 100, createRng(seed));
      const loop = new TrainingLoop(m);
      await loop.run();
      const c = await m.corrected(0);
      m.dispose();
      return { losses: loop.losses as number[], c }; // Surgery never skips a step
    };
    const a = await run(7);
    expect(a.losses).toHaveLength(30 * 2 * 2);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    expect(mean(a.losses.slice(-10))).toBeLessThan(0.7 * mean(a.losses.slice(0, 10)));
    const b = await run(7);
    expect(b.losses).toEqual(a.losses);
    expect(b.c).toEqual(a.c);
    expect((await run(8)).losses).not.toEqual(a.losses);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('ships the binary of wasm/surgery.wat (run npm run build:wasm after editing it)', async () => {
    expect(await readFile(SURGERY_KERNEL.generated, 'utf8')).toBe(generatedModule(await assemble(SURGERY_KERNEL), SURGERY_KERNEL));
  });

  it('uses the SIMD kernel only where P is a multiple of 4 (its four lanes); P 6 keeps the JavaScript loops, with the same first step as tfjs', async () => {
    const kernel = (m: SurgeryModel) => (m as unknown as { simd: object | null }).simd;
    const at8 = new SurgeryModel(tasks(20), params(), 100, createRng(1));
    expect(kernel(at8)).not.toBeNull();
    at8.dispose();
    // n = 16: the first batch is all of task 0's rows, and at U = 0 the loss is mean|z − y| over them.
    const six = [0, 1].map((t) => ({ name: `t${t}`, head: head(`t${t}`, 3, 6, 20 + t), n: 16, merged: randomRows(16, 6, 30 + t), individual: randomRows(16, 6, 40 + t) }));
    const m = new SurgeryModel(six, params(), 100, createRng(2));
    expect(kernel(m)).toBeNull();
    const want = six[0].merged.reduce((acc, v, i) => acc + Math.abs(v - six[0].individual[i]), 0) / (16 * 6);
    expect(await m.step(0)).toBeCloseTo(want, 6);
    m.dispose();
  });

  it('counts 2·P·r per task: 131,072 for ViT-B/32 (P 512), r 16, 8 tasks', () => {
    const eight = Array.from({ length: 8 }, (_, i) => ({ name: `t${i}`, numClasses: 10 }));
    expect(surgery.trainableParamCount(resolveTrainedParams('surgery'), VIT_B_32, eight)).toBe(131_072);
    expect(surgery.totalSteps(resolveTrainedParams('surgery'), 8)).toBe(8000);
  });
});

describe('Representation Surgery: initialisation and task schedule', () => {
  it('draws D uniformly in [−1/√P, 1/√P] (P = 8: ±0.3536) and starts U at zero', () => {
    const m = new SurgeryModel(tasks(), params({ rank: 16 }), 100, createRng(3));
    const bound = 1 / Math.sqrt(P);
    for (let t = 0; t < 2; t++) {
      const d = m.down[t].dataSync();
      expect(d.length).toBe(16 * P);
      expect(d.every((v) => Math.abs(v) <= bound)).toBe(true);
      expect(Math.max(...d)).toBeGreaterThan(0.8 * bound); // spans the range: 128 uniform draws
      expect(Math.min(...d)).toBeLessThan(-0.8 * bound);
      expect(m.up[t].dataSync().every((v) => v === 0)).toBe(true);
    }
    m.dispose();
  });

  it('trains task ⌊(i mod 2T)/2⌋ at step i: steps 0, 1 move only task 0, steps 2, 3 task 1, step 4 task 0 again', async () => {
    const m = new SurgeryModel(tasks(), params(), 100, createRng(4));
    const snap = () => [0, 1].map((t) => [...m.down[t].dataSync(), ...m.up[t].dataSync()]);
    const moved = (a: number[][], b: number[][]) => [0, 1].filter((t) => a[t].some((v, j) => v !== b[t][j]));
    for (const [i, want] of [[0, [0]], [1, [0]], [2, [1]], [3, [1]], [4, [0]]] as const) {
      const before = snap();
      await m.step(i);
      expect(moved(before, snap()), `step ${i}`).toEqual(want);
    }
    m.dispose();
  });
});

describe('Representation Surgery: outputs, predict and modules', () => {
  it('at init predicts argmax of (z/|z|)·Hᵀ on the merged features (plain JS), with the base\'s CLS of the first min(n, asked, held) images', async () => {
    const ts = tasks(6);
    const D = 3;
    const cls = [0, 1].map((l) => Float32Array.from({ length: 5 * D }, (_, i) => 10 * l + i)); // base CLS of 5 images, 2 layers
    ts[1].baseHidden = { n: 5, dim: P, z: new Float32Array(5 * P), cls };
    const m = new SurgeryModel(ts, params(), 100, createRng(5));
    const { merged, head: h } = ts[1];
    const want = Array.from({ length: 6 }, (_, i) => {
      const z = merged.subarray(i * P, (i + 1) * P);
      const norm = Math.hypot(...z);
      const scores = Array.from({ length: h.numClasses }, (_, c) => z.reduce((s, v, j) => s + (v / norm) * h.weight[c * P + j], 0));
      return scores.indexOf(Math.max(...scores));
    });
    const out = await m.outputs('t1', 3);
    expect([...out.predictions]).toEqual(want);
    expect([...(await m.predict('t1'))]).toEqual(want);
    expect(out.z).toEqual(merged);
    expect([out.n, out.dim]).toEqual([6, P]);
    expect(out.hidden!.n).toBe(3);
    expect(out.hidden!.z).toEqual(merged.slice(0, 3 * P));
    expect(out.hidden!.cls!.map((c) => [...c])).toEqual(cls.map((c) => [...c.slice(0, 3 * D)]));
    expect((await m.outputs('t1', 0)).hidden).toBeNull();
    expect((await m.outputs('t0', 3)).hidden).toBeNull(); // task 0 holds no base representations
    m.dispose();
  });

  it('modules(): each task\'s down [r, P] and up [P, r], named surgery.<task>.down/up, with their values', async () => {
    const m = new SurgeryModel(tasks(), params(), 100, createRng(6));
    const mods = await m.modules();
    expect(mods.map((x) => [x.name, x.shape])).toEqual([['surgery.t0.down', [4, P]], ['surgery.t0.up', [P, 4]], ['surgery.t1.down', [4, P]], ['surgery.t1.up', [P, 4]]]);
    expect(mods[2].values).toEqual(m.down[1].dataSync());
    expect(mods[1].values.every((v) => v === 0)).toBe(true);
    m.dispose();
  });
});
