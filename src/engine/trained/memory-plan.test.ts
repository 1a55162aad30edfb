// The memory plan changes no number: the section-by-section gradient with recomputation
// (train/tower-grad.ts) equals one tf.grads tape through clipVisionForward, for weights, hooks and
// a head; AdaMerging's, Tinting's and IntervMerge's steps give the same λ gradient and the same
// first three steps (λ and the layers they train, to 1e-5) as the one-tape steps they replaced,
// written out here; and task vectors held as scaled halves decode to numpy's float16 rounding.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTrainedParams } from '../catalogue';
import { randomImages } from '../data/tiny-suite.node';
import { arrayImages } from '../data/task-images';
import { checkpointFrom, randomWeights } from '../merge/test-pool.node';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { type ClipVisionConfig, VIT_B_32 } from '../model/clip-vit/config';
import { clipVisionForward } from '../model/clip-vit/forward';
import type { ParamMap } from '../params/param-map';
import { createRng } from '../random';
import type { Adam } from '../train/adam';
import { type BatchSampler, PixelBank, gatherRows } from '../train/data';
import { type RecomputeMode, inSection, recomputes, setRecompute, towerGrad } from '../train/tower-grad';
import { AdaMergingModel } from './adamerging';
import { MergeCoefficients } from './coefficients';
import { IntervMergeModel } from './intervmerge';
import { frozenLogits, meanEntropy } from './losses';
import { TaskVectors } from './task-vectors';
import { TintingModel } from './tinting';
import { head, randomRows } from './testing.node';

const CFG: ClipVisionConfig = { hiddenSize: 16, intermediateSize: 24, numLayers: 3, numHeads: 2, imageSize: 8, patchSize: 4, numChannels: 3, projectionDim: 6, hiddenAct: 'quick_gelu', layerNormEps: 1e-5 };
const names = ['a', 'b'];
let pretrained: Checkpoint;
let experts: Checkpoint[];
let banks: PixelBank[];
beforeAll(async () => {
  const base = randomWeights(11, 0.2, CFG);
  pretrained = await checkpointFrom('pre', base, CFG);
  experts = await Promise.all(names.map((n, t) => {
    const d = randomWeights(20 + t, 0.05, CFG);
    return checkpointFrom(n, new Map([...base].map(([k, v]) => [k, v.map((x, i) => x + d.get(k)![i])])), CFG);
  }));
  banks = await Promise.all(names.map((n, t) => PixelBank.load(arrayImages(n, 'mem', randomImages(40, 8, 8, 3, 60 + t), [40, 8, 8, 3], new Int32Array(40), 3), 8)));
});

afterAll(() => setRecompute('auto'));
/** Both gradient paths: section by section with recomputation, and one tape (what small towers use). */
const MODES: RecomputeMode[] = ['always', 'never'];

const coefficients = (granularity: 'task' | 'layer') => MergeCoefficients.fromPool(pretrained, experts, names, { granularity });
const heads = names.map((n, t) => head(n, 3, 6, 30 + t));
const close = (got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 1e-5) => {
  const scale = Math.max(1e-12, ...Array.from(want, Math.abs)); // relative to the largest entry
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]), `${what} [${i}]`).toBeLessThan(tol * scale);
};

describe.each(MODES)('towerGrad, recompute %s', (m) => {
  beforeAll(() => setRecompute(m));
  it('equals one tf.grads tape for every weight and for hooked extra tensors', async () => {
    const c = await coefficients('layer');
    const w = c.mergedMap();
    const pixels = banks[0].batch([0, 1, 2, 3, 4]);
    const specNames = c.specs.map((s) => s.name);
    const extra = [tf.tensor1d(randomRows(1, 16, 3, 0.3)), tf.tensor2d(randomRows(5, 6, 4), [5, 6])]; // a CLS offset per block, a target
    const hooks = (e: readonly tf.Tensor[]) => ({ attentionOutput: (l: number, h: tf.Tensor3D) => tf.add(h, tf.mul(e[0], l + 1)) as tf.Tensor3D });
    const loss = (z: tf.Tensor2D, e: readonly tf.Tensor[]) => tf.sum(tf.square(tf.sub(z, e[1]))) as tf.Scalar;
    const want = tf.tidy(() => {
      const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => {
        const o = clipVisionForward(new Map(specNames.map((n, i) => [n, xs[i]])), CFG, pixels, { hooks: hooks(xs.slice(-2)) });
        return loss(o.imageEmbeds!, xs.slice(-2));
      })([...specNames.map((n) => w.get(n)!), ...extra]);
      return { value: value.dataSync()[0], grads: grads.map((g) => g.dataSync().slice() as Float32Array) };
    });
    const got = new Map<string, Float32Array>();
    const before = tf.memory().numTensors;
    const r = towerGrad({
      config: CFG, pixels, extra, hooks, keepWeights: true,
      names: (s) => specNames.filter((n) => inSection(n, s)),
      weights: (s) => specNames.filter((n) => inSection(n, s)).map((n) => w.get(n)!),
      onGrads: (_, ns, gs) => ns.forEach((n, k) => got.set(n, gs[k].dataSync().slice() as Float32Array)),
      loss: (o, e) => loss(o.embeds!, e),
    });
    expect(got.size).toBe(specNames.length);
    close([r.value.dataSync()[0]], [want.value], 'loss');
    specNames.forEach((n, i) => close(got.get(n)!, want.grads[i], n));
    r.extraGrads.forEach((g, k) => close(g.dataSync(), want.grads[specNames.length + k], `extra ${k}`));
    tf.dispose([r.value, ...r.extraGrads]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...w.values(), pixels, ...extra]);
    c.dispose();
  });
});

type AdaInternals = { samplers: BatchSampler[]; opt: Adam; heads: tf.Tensor2D[] };

describe.each(MODES)('the trained methods take the same steps as with one tape, recompute %s', (m) => {
  beforeAll(() => setRecompute(m));
  it('AdaMerging (task- and layer-wise): the same λ gradient and the same first 3 steps', async () => {
    for (const g of ['task', 'layer'] as const) {
      const p = resolveTrainedParams('adamerging', { granularity: g, lr: 1e-2 });
      const tasks = names.map((n, t) => ({ name: n, head: heads[t], bank: banks[t] }));
      const next = new AdaMergingModel(await coefficients(g), CFG, tasks, p, 2, createRng(4)); // logit scale 2: entropies far from saturated
      const old = new AdaMergingModel(await coefficients(g), CFG, tasks, p, 2, createRng(4));
      // The λ gradient of one batch: accumulated per tensor vs lambdaGrad of one tape.
      const c = next.coefficients;
      const pixels = banks[1].batch([...Array(16).keys()]);
      const cols: (tf.Tensor2D | null)[] = c.specs.map(() => null);
      const r = c.towerGrad(CFG, pixels, cols, { loss: (o) => meanEntropy(frozenLogits(o.embeds!, (next as unknown as AdaInternals).heads[1], 2)) });
      const got = c.lambdaGradFromAccumulated(cols);
      const want = tf.tidy(() => c.lambdaGrad(tf.grads(old.taskLoss(1, pixels, [16]))(c.merged())));
      close(got.dataSync(), want.dataSync(), `${g} λ gradient`);
      const [gv, wv] = [got.dataSync(), want.dataSync()]; // entry by entry too: a tensor's column may be far smaller than the largest
      wv.forEach((w, i) => expect(Math.abs(gv[i] - w), `${g} λ gradient [${i}] relative`).toBeLessThanOrEqual(1e-4 * Math.abs(w) + 1e-7 * Math.max(...Array.from(wv, Math.abs))));
      tf.dispose([got, want, r.value, ...cols.filter((x): x is tf.Tensor2D => x !== null), pixels]);
      // Three steps each way.
      const o = old as unknown as AdaInternals;
      for (let i = 0; i < 3; i++) {
        const lossNew = await next.step();
        let lossOld = 0;
        const merged = old.coefficients.merged();
        let grad = tf.zerosLike(old.coefficients.lambda) as tf.Tensor2D;
        for (let t = 0; t < tasks.length; t++) {
          const idx = [o.samplers[t].next(16), o.samplers[t].next(16)];
          const px = tasks[t].bank.batch(idx.flat());
          const { value, grads } = tf.valueAndGrads(old.taskLoss(t, px, idx.map((b) => b.length)))(merged);
          lossOld += value.dataSync()[0];
          const gl = old.coefficients.lambdaGrad(grads);
          const sum = tf.add(grad, gl) as tf.Tensor2D;
          tf.dispose([grad, gl, value, ...grads, px]);
          grad = sum;
        }
        o.opt.apply(new Map([[old.coefficients.lambda as tf.Variable, grad]]));
        tf.dispose([grad, ...merged]);
        close([lossNew], [lossOld], `${g} step ${i} loss`);
        close(next.coefficients.lambda.dataSync(), old.coefficients.lambda.dataSync(), `${g} step ${i} λ`);
      }
      expect(await next.coefficients.clamped()).not.toEqual(Array.from({ length: 2 }, () => Array(next.coefficients.lambda.shape[1]).fill(0.3)));
      next.dispose();
      old.dispose();
    }
  });

  it('Tinting (head and fc2): the same first 3 steps (λ and the tinted layer)', async () => {
    for (const layer of ['head', 'fc2'] as const) {
      const tasks = names.map((n, t) => ({ name: n, head: heads[t], bank: banks[t], individualLogits: randomRows(40, 3, 80 + t, 3) }));
      const p = resolveTrainedParams('tinting', { layer, filter: true });
      const next = new TintingModel(await coefficients('layer'), CFG, tasks, p, 100, createRng(6));
      const old = new TintingModel(await coefficients('layer'), CFG, tasks, p, 100, createRng(6));
      const o = old as unknown as { samplers: BatchSampler[]; opt: Adam; rng: { shuffle<T>(x: T[]): T[] }; order: number[] };
      for (let i = 0; i < 3; i++) {
        const lossNew = await next.step(i);
        // The one-tape step, as it was.
        if (i % 2 === 0) o.order = o.rng.shuffle([0, 1]);
        const t = o.order[i % 2];
        const idx = o.samplers[t].next(32);
        const merged = old.coefficients.merged();
        let lossOld: number | null = null;
        tf.tidy(() => {
          const pixels = tasks[t].bank.batch(idx);
          const L = merged.length;
          let kept = 0;
          const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => {
            const r = old.loss(t, pixels, idx, xs.slice(0, L), xs.slice(L));
            kept = r.kept.dataSync()[0];
            return r.loss;
          })([...merged, ...old.vars[t]]);
          if (kept > 0) o.opt.apply(new Map<tf.Variable, tf.Tensor>([[old.coefficients.lambda as tf.Variable, old.coefficients.lambdaGrad(grads.slice(0, L))], ...old.vars[t].map((v, k): [tf.Variable, tf.Tensor] => [v, grads[L + k]])]));
          lossOld = kept > 0 ? value.dataSync()[0] : null;
        });
        tf.dispose(merged);
        expect(lossNew === null, `${layer} step ${i} skipped`).toBe(lossOld === null);
        if (lossOld !== null) close([lossNew!], [lossOld], `${layer} step ${i} loss`);
        close(next.coefficients.lambda.dataSync(), old.coefficients.lambda.dataSync(), `${layer} step ${i} λ`);
        next.vars.forEach((vs, k) => vs.forEach((v, j) => close(v.dataSync(), old.vars[k][j].dataSync(), `${layer} step ${i} task ${k} var ${j}`)));
      }
      next.dispose();
      old.dispose();
    }
  });

  it('IntervMerge (frozen base, and jointly with λ): the same first 3 steps', async () => {
    for (const joint of [false, true]) {
      const base = await coefficients('task');
      const frozen: ParamMap = base.mergedMap();
      const tasks = names.map((n, t) => ({ name: n, head: heads[t], bank: banks[t], teacher: randomRows(40, 6, 90 + t) }));
      const p = resolveTrainedParams('intervmerge', { rank: 2, trainCoefficients: joint });
      const mk = async () => (joint ? { coefficients: await coefficients('task') } : { weights: frozen });
      const nextBase = await mk();
      const oldBase = await mk();
      const next = new IntervMergeModel(nextBase, CFG, tasks, p, 100, createRng(8));
      const old = new IntervMergeModel(oldBase, CFG, tasks, p, 100, createRng(8));
      const o = old as unknown as { samplers: BatchSampler[]; opt: Adam };
      for (let i = 0; i < 3; i++) {
        const lossNew = await next.step(i);
        const t = Math.floor((i % 4) / 2);
        const idx = o.samplers[t].next(16);
        const c = 'coefficients' in oldBase ? oldBase.coefficients : null;
        const merged = c ? c.merged() : null;
        let lossOld = 0;
        tf.tidy(() => {
          const pixels = tasks[t].bank.batch(idx);
          const teacher = gatherRows(tasks[t].teacher, 6, idx);
          const vars = old.vars[t];
          if (!c) { lossOld = o.opt.minimize(() => old.loss(pixels, teacher, frozen, vars), vars).dataSync()[0]; return; }
          const L = merged!.length;
          const { value, grads } = tf.valueAndGrads((...xs: tf.Tensor[]) => old.loss(pixels, teacher, new Map(c.specs.map((s, l) => [s.name, xs[l]])), xs.slice(L)))([...merged!, ...vars]);
          o.opt.apply(new Map<tf.Variable, tf.Tensor>([[c.lambda as tf.Variable, c.lambdaGrad(grads.slice(0, L))], ...vars.map((v, k): [tf.Variable, tf.Tensor] => [v, grads[L + k]])]));
          lossOld = value.dataSync()[0];
        });
        if (merged) tf.dispose(merged);
        close([lossNew], [lossOld], `joint ${joint} step ${i} loss`);
        next.vars.forEach((vs, k) => vs.forEach((v, j) => close(v.dataSync(), old.vars[k][j].dataSync(), `joint ${joint} step ${i} task ${k} var ${j}`)));
        if (joint) close(next.coefficients!.lambda.dataSync(), old.coefficients!.lambda.dataSync(), `step ${i} λ`);
      }
      next.dispose();
      old.dispose();
      for (const b of [nextBase, oldBase]) if ('coefficients' in b) b.coefficients?.dispose();
      tf.dispose([...frozen.values()]);
      base.dispose();
    }
  });
});

describe('TaskVectors', () => {
  it('holds float32 up to the threshold and scaled halves above it, decoding to numpy float16 rounding', () => {
    const tau = Float32Array.from([0.0031, -0.0007, 1.3e-6, -0.0024, 2.5e-9, 0]);
    const base = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const exact = new TaskVectors(6, 1);
    exact.push(base, [tau]);
    expect(exact.half).toBe(false);
    expect(Array.from(exact.tauRow(0, 0))).toEqual(Array.from(tau));
    const half = new TaskVectors(6, 1, 16); // 24 bytes of task vectors > 16
    half.push(base, [tau]);
    expect(half.half).toBe(true);
    // scale 2^(⌈log2 0.0031⌉ − 14) = 2^-22; (τ / scale) rounded by numpy's astype(float16), times the scale:
    const want = [0.0030994415283203125, -0.0006999969482421875, 1.300126314163208e-6, -0.002399444580078125, 2.499291440472007e-9, 0];
    expect(Array.from(half.tauRow(0, 0))).toEqual(want.map(Math.fround));
    expect(half.bytes).toBe(6 * 4 + 6 * 2);
    const t = half.tauTensor(0);
    expect(t.shape).toEqual([1, 6]);
    expect(Array.from(t.dataSync())).toEqual(want.map(Math.fround));
    t.dispose();
  });
});

describe('recomputes', () => {
  it('recomputes where one tape would pass 512 MB: ViT-B/32 from 2 images (one tape at 8 measured 3.2 GB), never the test tower', () => {
    setRecompute('auto');
    // 2.4 × 4 B × 50 tokens × (45·768 + 8·3072) × 12 blocks = 340.6 MB per image.
    expect(recomputes(VIT_B_32, 1)).toBe(false);
    expect(recomputes(VIT_B_32, 2)).toBe(true);
    expect(recomputes(VIT_B_32, 16)).toBe(true);
    expect(recomputes(CFG, 32)).toBe(false);
  });
});
