// AdaMerging on a synthetic 3-expert pool (1-layer tower): init equals Task Arithmetic λ 0.3 (and
// ++ equals TIES dis-sum), the shortcut gradient equals autodiff and finite differences, the clamp,
// entropy falls, determinism, no leaks, JSON export/load with typed errors, parameter counts.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomImages } from '../data/tiny-suite.node';
import { arrayImages } from '../data/task-images';
import { mergeInMemory } from '../merge/in-memory';
import { type Weights, TINY, maxAbsDiff, syntheticPool } from '../merge/test-pool.node';
import { VIT_B_32 } from '../model/clip-vit/config';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { createRng } from '../random';
import { PixelBank } from '../train/data';
import { TrainingLoop } from '../train/loop';
import { adamerging } from '../catalogue/trained/adamerging';
import type { Suite } from '../data/suite';
import type { BuildContext } from './types';
import { type AdaMergingTask, AdaMergingModel, adamergingMethod } from './adamerging';
import { MergeCoefficients } from './coefficients';
import { resolveTrainedParams } from '../catalogue';
import { bankFeatures } from './losses';
import { headLogits } from '../model/heads';
import { clipVisionForward } from '../model/clip-vit/forward';
import { finiteDifference, head } from './testing.node';

let pool: { pretrained: Checkpoint; experts: Checkpoint[] };
let tasks: AdaMergingTask[];
const names = ['a', 'b', 'c'];
beforeAll(async () => {
  pool = await syntheticPool(3, 4);
  tasks = await Promise.all(names.map(async (name, t) => ({
    name, head: head(name, 3, 4, 30 + t),
    bank: await PixelBank.load(arrayImages(name, 'mem', randomImages(16, 8, 8, 3, 50 + t), [16, 8, 8, 3], new Int32Array(16), 3), 8),
  })));
});

const coefficients = (granularity: 'task' | 'layer', plus = false) => MergeCoefficients.fromPool(pool.pretrained, pool.experts, names, { granularity, plus: plus ? { k: 20 } : null });
const model = async (over = {}, seed = 1) => {
  const p = resolveTrainedParams('adamerging', { iterations: 12, lr: 1e-2, ...over });
  return new AdaMergingModel(await coefficients(p.granularity as 'task' | 'layer', p.plus as boolean), TINY, tasks, p, 100, createRng(seed));
};
async function mergedWeights(c: MergeCoefficients): Promise<Weights> {
  const m = c.merged();
  const out: Weights = new Map(await Promise.all(c.specs.map(async (s, l) => [s.name, (await m[l].data()) as Float32Array] as [string, Float32Array])));
  tf.dispose(m);
  return out;
}

/** Shannon entropy −Σ p·ln p of softmax(row) for each row of logits [n, C], in float64 (the test's own). */
function entropies(logits: ArrayLike<number>, C: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < logits.length / C; i++) {
    const row = Array.from({ length: C }, (_, c) => logits[i * C + c]);
    const mx = Math.max(...row);
    const e = row.map((v) => Math.exp(v - mx));
    const sum = e.reduce((a, b) => a + b, 0);
    out.push(-e.reduce((h, v) => h + (v / sum) * Math.log(v / sum), 0));
  }
  return out;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean entropy over every task's images of the model's current merge, through the JS head (not the training loss). */
async function entropyOfMerge(m: AdaMergingModel): Promise<number> {
  const params = m.coefficients.mergedMap();
  const all: number[] = [];
  for (const t of tasks) all.push(...entropies(headLogits(await bankFeatures(params, TINY, t.bank), t.bank.count, t.head, 100), 3));
  tf.dispose([...params.values()]);
  return mean(all);
}

describe('AdaMerging', () => {
  it('its loss is the sum over sub-batches of the mean Shannon entropy (positive, worked out here in plain JS)', async () => {
    const m = await model();
    const idx = [...Array(16).keys()];
    const pixels = tasks[1].bank.batch(idx);
    const merged = m.coefficients.merged();
    const logits = tf.tidy(() => {
      const o = clipVisionForward(m.coefficients.mergedMap(), TINY, pixels);
      const z = o.imageEmbeds!.arraySync().flat();
      return headLogits(Float32Array.from(z), 16, tasks[1].head, 100);
    });
    const h = entropies(logits, 3);
    const want = mean(h.slice(0, 10)) + mean(h.slice(10));
    expect(want).toBeGreaterThan(0.05); // the synthetic merge is not confident: a sign error cannot hide
    const got = tf.tidy(() => m.taskLoss(1, pixels, [10, 6])(...merged).dataSync()[0]);
    expect(Math.abs(got - want)).toBeLessThan(1e-4 * want);
    tf.dispose([pixels, ...merged]);
    m.dispose();
  });

  it('training lowers the entropy of the merge, measured independently of its loss', async () => {
    const m = await model({ iterations: 15 });
    const before = await entropyOfMerge(m);
    await new TrainingLoop(m).run();
    const after = await entropyOfMerge(m);
    expect(after).toBeLessThan(before - 1e-3);
    m.dispose();
  });

  it('starts at Task Arithmetic λ 0.3, and ++ at TIES (k 20, dis-sum, λ 0.3)', async () => {
    for (const [plus, method, params] of [[false, 'task_arithmetic', { lambda: 0.3 }], [true, 'ties', { k: 20, lambda: 0.3, aggregate: 'sum' }]] as const) {
      const ref = await mergeInMemory({ ...pool, method, params });
      for (const g of ['task', 'layer'] as const) {
        const c = await coefficients(g, plus);
        expect(maxAbsDiff(await mergedWeights(c), ref.values), `${method} ${g}`).toBeLessThan(1e-6);
        c.dispose();
      }
    }
  });

  it('forward uses clamp(λ, 0, 1): λ 1.5 merges like λ 1, −0.2 like 0', async () => {
    const c = await coefficients('task');
    c.load([[1.5], [-0.2], [1]]);
    const clamped = await coefficients('task');
    clamped.load([[1], [0], [1]]);
    expect(maxAbsDiff(await mergedWeights(c), await mergedWeights(clamped))).toBe(0);
    expect(await c.clamped()).toEqual([[1], [0], [1]]);
    c.dispose();
    clamped.dispose();
  });

  it('shortcut gradient ⟨∂L/∂θ(l), τt(l)⟩ equals autodiff through λ and finite differences; zero outside [0, 1]', async () => {
    for (const g of ['task', 'layer'] as const) {
      const m = await model({ granularity: g });
      const c = m.coefficients;
      const init = Array.from({ length: 3 }, (_, t) => Array.from({ length: c.lambda.shape[1] }, (_, l) => 0.15 + 0.1 * t + 0.013 * l));
      init[1][0] = 1.4; // clamped: no gradient
      c.load(init);
      const pixels = tasks.map((t) => t.bank.batch([...Array(16).keys()]));
      const loss = () => tasks.reduce((s, _, t) => tf.add(s, m.taskLoss(t, pixels[t], [8, 8])(...c.merged())), tf.scalar(0)) as tf.Scalar;
      const shortcut = tf.tidy(() => {
        const merged = c.merged();
        let acc = tf.zerosLike(c.lambda);
        tasks.forEach((_, t) => { acc = tf.add(acc, c.lambdaGrad(tf.grads(m.taskLoss(t, pixels[t], [8, 8]))(merged))); });
        return acc.dataSync();
      });
      const auto = tf.tidy(() => tf.variableGrads(loss, [c.lambda as tf.Variable]).grads[c.lambda.name].dataSync());
      const scale = Math.max(...Array.from(auto, Math.abs));
      expect(scale).toBeGreaterThan(1e-4);
      for (let i = 0; i < auto.length; i++) expect(Math.abs(shortcut[i] - auto[i]), `${g} ${i}`).toBeLessThan(1e-3 * scale);
      expect(shortcut[c.lambda.shape[1]]).toBe(0); // task 1, first entry: λ = 1.4
      const at = g === 'task' ? [0, 2] : [0, 7, 2 * c.lambda.shape[1] + 20];
      const f = (x: tf.Tensor) => {
        const keep = c.lambda.clone();
        c.lambda.assign(x as tf.Tensor2D);
        const v = tf.tidy(() => loss().dataSync()[0]);
        c.lambda.assign(keep);
        keep.dispose();
        return v;
      };
      finiteDifference(f, c.lambda, at, 1e-2).forEach((fd, k) => expect(Math.abs(fd - shortcut[at[k]]), `${g} FD ${at[k]}`).toBeLessThan(3e-2 * scale));
      tf.dispose(pixels);
      m.dispose();
    }
  });

  it('lowers the entropy, reproducibly for a seed, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const run = async (seed: number) => {
      const m = await model({}, seed);
      const loop = new TrainingLoop(m);
      await loop.run();
      const out = { losses: loop.losses, json: await m.coefficients.json(), pred: await m.predict('b') };
      m.dispose();
      return out;
    };
    const a = await run(2);
    expect(a.losses).toHaveLength(12);
    expect(a.losses[11]!).toBeLessThan(a.losses[0]!); // every batch holds all 16 images, so L is a function of λ alone
    expect(a.json.lambda.flat().some((v) => Math.abs(v - 0.3) > 1e-3)).toBe(true);
    expect(a.pred).toHaveLength(16);
    const b = await run(2);
    expect(b.losses).toEqual(a.losses);
    expect(b.json).toEqual(a.json);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('exports and loads coefficients as JSON (also published task-wise lists); bad ones get a typed error', async () => {
    const c = await coefficients('layer');
    c.load(Array.from({ length: 3 }, (_, t) => c.specs.map((_, l) => t * 0.1 + l * 0.01)));
    const json = JSON.parse(JSON.stringify(await c.json()));
    expect(json).toMatchObject({ format: 'mergelab-coefficients', granularity: 'layer', plus: false, tasks: names });
    expect(json.tensors).toHaveLength(c.specs.length);
    const d = await coefficients('layer');
    d.load(json);
    expect(await d.json()).toEqual(await c.json());
    const tw = await coefficients('task');
    tw.load([0.2202, 0.1413, 0.2826]); // a flat published list
    expect((await tw.json()).lambda.map((r) => r[0])).toEqual([0.2202, 0.1413, 0.2826].map((v) => Math.fround(v)));
    for (const [bad, re] of [
      [[0.1, 0.2], /2 rows for 3 tasks/], [json, /they are layer-wise/], [{ lambda: [[0.1], [NaN], [0.3]] }, /row 2 \(b\)/],
      [{ ...(await tw.json()), tasks: ['x', 'y', 'z'] }, /for tasks x, y, z, this suite has a, b, c/], [{ nope: 1 }, /no "lambda"/],
    ] as [unknown, RegExp][]) {
      expect(() => tw.load(bad)).toThrow(re);
      try { tw.load(bad); } catch (e) { expect((e as { code: string }).code).toBe('coefficients'); }
    }
    tf.dispose([c, d, tw].map((x) => x.lambda));
    [c, d, tw].forEach((x) => x.dispose());
  });

  it('counts 1,592 layer-wise coefficients for ViT-B/32 in HF layout (199 tensors) × 8 tasks, 8 task-wise', () => {
    const eight = Array.from({ length: 8 }, (_, i) => ({ name: `t${i}`, numClasses: 10 }));
    const hf = { ...VIT_B_32, projectionDim: null };
    expect(adamerging.trainableParamCount(resolveTrainedParams('adamerging'), hf, eight)).toBe(1592);
    expect(adamerging.trainableParamCount(resolveTrainedParams('adamerging', { granularity: 'task' }), hf, eight)).toBe(8);
    expect(adamerging.totalSteps(resolveTrainedParams('adamerging'), 8)).toBe(500);
  });
});

describe('AdaMerging: outputs, modules, a failing step and build', () => {
  it('outputs(task) are that task\'s (its images, its head) with the CLS of the first images when asked; modules() is the raw λ', async () => {
    // Task d: 10 images and 2 classes, so lengths tell the tasks apart.
    const d: AdaMergingTask = { name: 'd', head: head('d', 2, 4, 9), bank: await PixelBank.load(arrayImages('d', 'mem', randomImages(10, 8, 8, 3, 59), [10, 8, 8, 3], new Int32Array(10), 2), 8) };
    const p = resolveTrainedParams('adamerging', { iterations: 1 });
    const m = new AdaMergingModel(await coefficients('layer'), TINY, [tasks[0], d, tasks[2]], p, 100, createRng(1));
    expect((await m.predict('a')).length).toBe(16);
    const pd = await m.predict('d');
    expect(pd.length).toBe(10);
    expect(pd.every((c) => c < 2)).toBe(true);
    const o = await m.outputs('d', 3);
    expect(o.z).toHaveLength(10 * 4);
    // TINY has 1 block: the CLS before it and after it, [3, D = 8] each, and the first 3 rows of z.
    expect(o.hidden!.n).toBe(3);
    expect(o.hidden!.cls!.map((c) => c.length)).toEqual([24, 24]);
    expect(Array.from(o.hidden!.z)).toEqual(Array.from(o.z.subarray(0, 12)));
    expect((await m.outputs('d', 0)).hidden).toBeNull();
    m.coefficients.load(Array.from({ length: 3 }, (_, t) => m.coefficients.specs.map((_, l) => 0.1 * t + 0.001 * l)));
    const mods = await m.modules();
    expect(mods.map((x) => [x.name, x.shape])).toEqual([['adamerging.lambda', [3, 24]]]);
    expect(Array.from(mods[0].values)).toEqual(Array.from({ length: 72 }, (_, i) => Math.fround(0.1 * Math.floor(i / 24) + 0.001 * (i % 24))));
    m.dispose();
  });

  it('a step whose batch fails rejects with that error (nothing else), and leaks nothing', async () => {
    const broken: AdaMergingTask = { ...tasks[0], bank: { ...tasks[0].bank, count: 16, batch: () => { throw new Error('no pixels'); } } as unknown as PixelBank };
    const p = resolveTrainedParams('adamerging', { iterations: 1 });
    const m = new AdaMergingModel(await coefficients('task'), TINY, [broken, tasks[1], tasks[2]], p, 100, createRng(1));
    const before = tf.memory().numTensors;
    await expect(m.step()).rejects.toThrow(/^no pixels$/);
    expect(tf.memory().numTensors).toBe(before);
    m.dispose();
  });

  it('build: fresh λ 0.3 over the suite\'s pool at the asked granularity, ++ with the asked k', async () => {
    const ctx: BuildContext = {
      suite: { pretrained: pool.pretrained, experts: new Map(names.map((n, t) => [n, pool.experts[t]])) } as unknown as Suite,
      names, config: TINY, heads: tasks.map((t) => t.head), logitScale: 100, rng: createRng(1), hiddenImages: 0,
      pixelBanks: async () => tasks.map((t) => t.bank),
      individual: () => { throw new Error('not used'); }, frozenFeatures: () => { throw new Error('not used'); }, frozenHidden: () => { throw new Error('not used'); },
      note: () => { throw new Error('no note expected'); }, base: null,
    };
    const task = await adamergingMethod.build(ctx, resolveTrainedParams('adamerging', { granularity: 'task' }));
    expect(await task.coefficients!.json()).toMatchObject({ granularity: 'task', plus: false, tasks: names, lambda: [[0.3], [0.3], [0.3]].map((r) => r.map(Math.fround)) });
    expect((await task.predict('b')).length).toBe(16);
    task.dispose();
    const plus = await adamergingMethod.build(ctx, resolveTrainedParams('adamerging', { plus: true, k: 50 }));
    expect(plus.coefficients!.granularity).toBe('layer');
    const ref = await mergeInMemory({ ...pool, method: 'ties', params: { k: 50, lambda: 0.3, aggregate: 'sum' } });
    expect(maxAbsDiff(await mergedWeights(plus.coefficients!), ref.values)).toBeLessThan(1e-6);
    plus.dispose();
  });
});
