// Model Tinting on a synthetic 2-expert pool: at init it predicts like Task Arithmetic λ 0.3 with
// the zero-shot head (head and fc2 variants), the confidence filter keeps exactly the samples
// the rule says, a step that keeps nothing is skipped, the gradient matches finite differences,
// the loss falls, determinism, no leaks, and the parameter counts with the real class counts.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomImages } from '../data/tiny-suite.node';
import { arrayImages } from '../data/task-images';
import { mergeToParamMap } from '../merge/in-memory';
import { TINY, syntheticPool } from '../merge/test-pool.node';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { VIT_B_32 } from '../model/clip-vit/config';
import { disposeParams } from '../params/param-map';
import { createRng } from '../random';
import { PixelBank } from '../train/data';
import { TrainingLoop } from '../train/loop';
import { MergeCoefficients } from './coefficients';
import { bankFeatures, predictFrozen } from './losses';
import { resolveTrainedParams } from '../catalogue';
import { finiteDifference, head, randomRows } from './testing.node';
import { tintedLayerParams, tinting } from '../catalogue/trained/tinting';
import type { Suite } from '../data/suite';
import { MergelabError } from '../errors';
import type { BaseMerge, BuildContext } from './types';
import { type TintingTask, TintingModel, tintingMethod } from './tinting';

let pool: { pretrained: Checkpoint; experts: Checkpoint[]; weights: Map<string, Float32Array>[] };
let tasks: TintingTask[];
beforeAll(async () => {
  pool = await syntheticPool(2, 6);
  tasks = await Promise.all([0, 1].map(async (t) => {
    const bank = await PixelBank.load(arrayImages(`t${t}`, 'mem', randomImages(24, 8, 8, 3, 90 + t), [24, 8, 8, 3], new Int32Array(24), 3), 8);
    return { name: `t${t}`, head: head(`t${t}`, 3, 4, 40 + t), bank, individualLogits: randomRows(24, 3, 95 + t, 3) };
  }));
});

const model = async (over: Record<string, unknown> = {}, ts = tasks, seed = 1, scale = 100) => new TintingModel(
  await MergeCoefficients.fromPool(pool.pretrained, pool.experts, ['t0', 't1'], { granularity: 'layer' }), TINY, ts,
  resolveTrainedParams('tinting', { iterations: 10, ...over } as never), scale, createRng(seed));

describe('Model Tinting', () => {
  it('starts as Task Arithmetic λ 0.3 with the zero-shot head (head ×100, bias 0; fc2 offset 0)', async () => {
    const ta = await mergeToParamMap({ ...pool, method: 'task_arithmetic', params: { lambda: 0.3 } });
    for (const layer of ['head', 'fc2']) {
      const m = await model({ layer });
      for (const [t, task] of tasks.entries()) {
        const want = predictFrozen(await bankFeatures(ta.weights, TINY, task.bank), 24, task.head, 100);
        expect(await m.predict(task.name), `${layer} t${t}`).toEqual(want);
      }
      m.dispose();
    }
    disposeParams(ta.weights);
  });

  it('keeps a sample iff merged and individual argmax agree or the individual is at least as confident', async () => {
    const m = await model();
    const idx = [...Array(24).keys()];
    const pixels = tasks[0].bank.batch(idx);
    const merged = m.coefficients.merged();
    const logits = tf.tidy(() => m.logits(0, pixels, merged, m.vars[0]).arraySync());
    const ind = tasks[0].individualLogits;
    const soft = (row: number[]) => { const mx = Math.max(...row); const e = row.map((v) => Math.exp(v - mx)); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); };
    let want = 0;
    idx.forEach((k) => {
      const pInd = soft(Array.from(ind.subarray(3 * k, 3 * k + 3)));
      const pM = soft(logits[k]);
      const y = pInd.indexOf(Math.max(...pInd));
      if (pM.indexOf(Math.max(...pM)) === y || Math.max(...pInd) >= Math.max(...pM)) want++;
    });
    const kept = tf.tidy(() => m.loss(0, pixels, idx, merged, m.vars[0]).kept.dataSync()[0]);
    expect(kept).toBe(want);
    expect(want).toBeGreaterThan(0);
    expect(want).toBeLessThan(24); // the test data exercise both branches
    tf.dispose([pixels, ...merged]);
    m.dispose();
  });

  it('its loss is the mean cross-entropy against the expert\'s argmax over the kept samples (worked out here in plain JS)', async () => {
    // Logit scale 5 (not 100), so the merge is unsure enough that kept samples have a cross-entropy well above 0.
    const m = await model({}, tasks, 1, 5);
    const idx = [...Array(24).keys()];
    const pixels = tasks[0].bank.batch(idx);
    const merged = m.coefficients.merged();
    const logits = tf.tidy(() => m.logits(0, pixels, merged, m.vars[0]).arraySync());
    const ind = tasks[0].individualLogits;
    const soft = (row: number[]) => { const mx = Math.max(...row); const e = row.map((v) => Math.exp(v - mx)); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); };
    const ce: number[] = [];
    const keep: boolean[] = [];
    idx.forEach((k) => {
      const pInd = soft(Array.from(ind.subarray(3 * k, 3 * k + 3)));
      const pM = soft(logits[k]);
      const y = pInd.indexOf(Math.max(...pInd));
      ce.push(-Math.log(pM[y]));
      keep.push(pM.indexOf(Math.max(...pM)) === y || Math.max(...pInd) >= Math.max(...pM));
    });
    const all = ce.reduce((a, b) => a + b, 0) / 24;
    const kept = ce.filter((_, k) => keep[k]);
    const filtered = kept.reduce((a, b) => a + b, 0) / kept.length;
    expect(all).toBeGreaterThan(0.1);
    expect(Math.abs(filtered - all)).toBeGreaterThan(0.01); // the filter changes the value here
    const got = (filter: boolean) => tf.tidy(() => {
      const r = (filter ? m : off).loss(0, pixels, idx, merged, m.vars[0]);
      return r.loss.dataSync()[0];
    });
    const off = await model({ filter: false }, tasks, 1, 5);
    expect(Math.abs(got(false) - all)).toBeLessThan(1e-4 * all);
    expect(Math.abs(got(true) - filtered)).toBeLessThan(1e-4 * filtered);
    tf.dispose([pixels, ...merged]);
    off.dispose();
    m.dispose();
  });

  it('learns with the confidence filter on (the default): predictions move to the confident expert\'s labels', async () => {
    // Logit scale 5: the zero-shot head's margins are small enough to move in 40 steps.
    const probe = await model({}, tasks, 1, 5);
    const preds = await Promise.all(tasks.map((t) => probe.predict(t.name)));
    probe.dispose();
    // A sure expert (logit 30) that labels every image with the class the merge predicts least
    // (learnable by the bias alone): the filter keeps every sample (max p_ind ≈ 1 ≥ max p_merged).
    const rare = preds.map((p) => [0, 1, 2].reduce((best, c) => (p.filter((x) => x === c).length < p.filter((x) => x === best).length ? c : best), 0));
    const labels = rare.map((c) => new Int32Array(24).fill(c));
    const sure = tasks.map((t, k) => ({ ...t, individualLogits: Float32Array.from({ length: 24 * 3 }, (_, j) => (j % 3 === labels[k][Math.floor(j / 3)] ? 30 : 0)) }));
    const agreement = async (m: TintingModel) => {
      let same = 0;
      for (const [k, t] of sure.entries()) (await m.predict(t.name)).forEach((c, i) => { same += c === labels[k][i] ? 1 : 0; });
      return same / 48;
    };
    const m = await model({ iterations: 20, lr: 0.1 }, sure, 1, 5);
    expect(m.params.filter).toBe(true);
    const start = await agreement(m);
    expect(start).toBeLessThanOrEqual(1 / 3);
    const loop = new TrainingLoop(m);
    await loop.run();
    expect(loop.losses.every((v) => v !== null)).toBe(true); // nothing skipped: the filter kept samples every step
    expect(await agreement(m)).toBeGreaterThanOrEqual(0.9);
    m.dispose();
  });

  it('skips a step when the filter keeps nothing (and changes nothing)', async () => {
    const probe = await model();
    const preds = await Promise.all(tasks.map((t) => probe.predict(t.name)));
    probe.dispose();
    // Pseudo-labels always one class off the merged prediction, with a near-uniform (unsure) individual.
    const unsure = tasks.map((t, k) => ({ ...t, individualLogits: Float32Array.from({ length: 24 * 3 }, (_, j) => (j % 3 === (preds[k][Math.floor(j / 3)] + 1) % 3 ? 1e-3 : 0)) }));
    const m = await model({}, unsure);
    const lambda = await m.coefficients.json();
    expect(await m.step(0)).toBeNull();
    expect(await m.coefficients.json()).toEqual(lambda);
    m.dispose();
  });

  it('has the gradient of its cross-entropy (finite differences) for the head and for λ', async () => {
    const m = await model({ filter: false });
    const idx = [...Array(12).keys()];
    const pixels = tasks[1].bank.batch(idx);
    const loss = () => m.loss(1, pixels, idx, m.coefficients.merged(), m.vars[1]).loss;
    for (const v of [m.vars[1][0], m.vars[1][1]]) {
      const g = tf.tidy(() => tf.variableGrads(loss, [v]).grads[v.name].dataSync());
      const scale = Math.max(...Array.from(g, Math.abs));
      const f = (x: tf.Tensor) => { const keep = v.clone(); v.assign(x); const out = tf.tidy(() => loss().dataSync()[0]); v.assign(keep); keep.dispose(); return out; };
      finiteDifference(f, v, [0, 2, g.length - 1], 1e-2).forEach((fd, k) => expect(Math.abs(fd - g[[0, 2, g.length - 1][k]])).toBeLessThan(3e-2 * scale));
    }
    const shortcut = tf.tidy(() => {
      const merged = m.coefficients.merged();
      return m.coefficients.lambdaGrad(tf.grads((...xs: tf.Tensor[]) => m.loss(1, pixels, idx, xs, m.vars[1]).loss)(merged)).dataSync();
    });
    const lam = m.coefficients.lambda as tf.Variable;
    const scale = Math.max(...Array.from(shortcut, Math.abs));
    expect(scale).toBeGreaterThan(0);
    const f = (x: tf.Tensor) => { const keep = lam.clone(); lam.assign(x); const out = tf.tidy(() => loss().dataSync()[0]); lam.assign(keep); keep.dispose(); return out; };
    const at = [1, 9, shortcut.length - 3];
    finiteDifference(f, lam, at, 1e-2).forEach((fd, k) => expect(Math.abs(fd - shortcut[at[k]])).toBeLessThan(3e-2 * scale));
    pixels.dispose();
    m.dispose();
  });

  it('trains: cross-entropy falls, runs repeat for a seed, nothing leaks', async () => {
    const before = tf.memory().numTensors;
    const run = async (layer: string) => {
      const m = await model({ layer, iterations: 12, filter: false }); // with s = 100 the filter keeps only already-agreeing samples here (loss ≈ 0)
      const loop = new TrainingLoop(m);
      await loop.run();
      const pred = await m.predict('t0');
      m.dispose();
      return { losses: loop.losses, pred };
    };
    const mean = (xs: (number | null)[]) => { const v = xs.filter((x): x is number => x !== null); return v.reduce((a, b) => a + b, 0) / v.length; };
    for (const layer of ['head', 'fc2']) {
      const a = await run(layer);
      expect(a.losses).toHaveLength(24);
      expect(mean(a.losses.slice(-6)), layer).toBeLessThan(mean(a.losses.slice(0, 6)));
      if (layer === 'head') expect((await run(layer)).losses).toEqual(a.losses);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts 388,854 head values for ViT-B/32 with the 8 real class counts, plus the layer-wise coefficients', () => {
    const classes = { SUN397: 397, Cars: 196, RESISC45: 45, EuroSAT: 10, SVHN: 10, GTSRB: 43, MNIST: 10, DTD: 47 };
    const ts = Object.entries(classes).map(([name, numClasses]) => ({ name, numClasses }));
    expect(tintedLayerParams('head', VIT_B_32, ts)).toBe(388_854);
    expect(tinting.trainableParamCount(resolveTrainedParams('tinting'), VIT_B_32, ts)).toBe(388_854 + 200 * 8);
    expect(tinting.totalSteps(resolveTrainedParams('tinting'), 8)).toBe(4000);
  });
});

describe('Model Tinting: the filter by hand, the task schedule, modules and build', () => {
  it('the filter on hand-made logits: keeps on agreement, or when max p_ind ≥ max p_merged (a tie kept), else drops', async () => {
    // Rows k = 0…3 of the individual model and of the merge (3 classes, e = exp):
    //   0: ind (2, 0, 0), merged (3, 0, 0): both class 0 → keep (though the merge is surer);
    //   1: ind (3, 0, 0), merged (0, 2, 0): disagree, p_ind = 1/(1 + 2e⁻³) > p_merged = 1/(1 + 2e⁻²) → keep;
    //   2: ind (2, 0, 0), merged (0, 2, 0): disagree, both 1/(1 + 2e⁻²) exactly (the same terms) → keep;
    //   3: ind (1, 0, 0), merged (0, 2, 0): disagree, p_ind = 1/(1 + 2e⁻¹) < p_merged → drop.
    const ind = new Float32Array(24 * 3);
    [[2, 0, 0], [3, 0, 0], [2, 0, 0], [1, 0, 0]].forEach((r, k) => ind.set(r, 3 * k));
    const merged = [[3, 0, 0], [0, 2, 0], [0, 2, 0], [0, 2, 0]];
    const m = await model({}, [{ ...tasks[0], individualLogits: ind }, tasks[1]]);
    const mask = (idx: number[], logits: number[][]) => tf.tidy(() => m.filterMask(0, idx, tf.tensor2d(logits)).arraySync());
    expect(mask([0, 1, 2, 3], merged)).toEqual([1, 1, 1, 0]);
    // The batch is indexed by position, the pseudo-labels and confidences by image.
    expect(mask([3, 2, 1, 0], [3, 2, 1, 0].map((k) => merged[k]))).toEqual([0, 1, 1, 1]);
    m.dispose();
  });

  it('each epoch of T steps trains every task once, in an order shuffled anew each epoch', async () => {
    const m = await model({ filter: false });
    const trained: number[] = [];
    for (let i = 0; i < 24; i++) {
      const before = m.vars.map((v) => v[1].dataSync().slice());
      await m.step(i);
      const moved = m.vars.map((v, t) => v[1].dataSync().some((x, j) => x !== before[t][j])); // a task's head moves only on its own step
      expect(moved.filter(Boolean), `step ${i}`).toHaveLength(1);
      trained.push(moved.indexOf(true));
    }
    const epochs = Array.from({ length: 12 }, (_, e) => trained.slice(2 * e, 2 * e + 2));
    epochs.forEach((ep, e) => expect([...ep].sort(), `epoch ${e}: ${ep}`).toEqual([0, 1]));
    expect(new Set(epochs.map((ep) => ep.join())).size, trained.join()).toBe(2); // both orders occur
    m.dispose();
  });

  it('modules(): raw λ [T, 24] and per task its head (W = s × zero-shot [C, P], b = 0) or its fc2 offsets ([D, M], [D], 0); outputs are the task\'s own', async () => {
    // Task u: 12 images and 2 classes, so that every per-task shape and length tells the tasks apart.
    const u: TintingTask = { name: 'u', head: head('u', 2, 4, 7), bank: await PixelBank.load(arrayImages('u', 'mem', randomImages(12, 8, 8, 3, 5), [12, 8, 8, 3], new Int32Array(12), 2), 8), individualLogits: randomRows(12, 2, 6, 3) };
    const ts = [tasks[0], u];
    for (const layer of ['head', 'fc2'] as const) {
      const m = await model({ layer }, ts);
      const mods = await m.modules();
      // TINY's 1-block tower: 3 embeddings + 2 pre-LN + 16 in the block + 2 post-LN + the projection = 24 tensors.
      expect(mods[0]).toEqual({ name: 'tinting.lambda', shape: [2, 24], values: new Float32Array(48).fill(Math.fround(0.3)) });
      if (layer === 'head') {
        expect(mods.slice(1).map((x) => [x.name, x.shape])).toEqual([['tinting.t0.weight', [3, 4]], ['tinting.t0.bias', [3]], ['tinting.u.weight', [2, 4]], ['tinting.u.bias', [2]]]);
        ts.forEach((t, k) => {
          expect(Array.from(mods[1 + 2 * k].values)).toEqual(Array.from(t.head.weight, (w) => Math.fround(w * 100)));
          expect(Array.from(mods[2 + 2 * k].values)).toEqual(new Array(t.head.numClasses).fill(0));
        });
      } else {
        expect(mods.slice(1).map((x) => [x.name, x.shape])).toEqual([['tinting.t0.fc2.weight_delta', [8, 16]], ['tinting.t0.fc2.bias_delta', [8]], ['tinting.u.fc2.weight_delta', [8, 16]], ['tinting.u.fc2.bias_delta', [8]]]);
        mods.slice(1).forEach((x) => expect(x.values.every((v) => v === 0)).toBe(true));
      }
      const [p0, pu] = [await m.predict('t0'), await m.predict('u')];
      expect([p0.length, pu.length]).toEqual([24, 12]);
      expect(pu.every((c) => c < 2)).toBe(true);
      expect((await m.outputs('u', 0)).z).toHaveLength(12 * 4);
      m.dispose();
    }
  });

  it('refuses task-wise coefficients with a usage error that says what to pass', async () => {
    const c = await MergeCoefficients.fromPool(pool.pretrained, pool.experts, ['t0', 't1'], { granularity: 'task' });
    let err: unknown;
    try { new TintingModel(c, TINY, tasks, resolveTrainedParams('tinting'), 100, createRng(1)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MergelabError);
    expect(err).toMatchObject({ code: 'usage', message: 'tinting: the merge coefficients must be layer-wise.', hint: 'Pass MergeCoefficients.layerWise() of a task-wise base.' });
    c.dispose();
  });

  describe('build', () => {
    const build = async (base: Partial<BaseMerge>) => {
      const notes: string[] = [];
      const z = [randomRows(24, 4, 3), randomRows(24, 4, 4)];
      const ctx: BuildContext = {
        suite: { pretrained: pool.pretrained, experts: new Map([['t0', pool.experts[0]], ['t1', pool.experts[1]]]) } as unknown as Suite,
        names: ['t0', 't1'], config: TINY, heads: tasks.map((t) => t.head), logitScale: 100, rng: createRng(1), hiddenImages: 0,
        pixelBanks: async () => tasks.map((t) => t.bank),
        individual: async () => z.map((f) => ({ n: 24, dim: 4, z: f, labels: new Int32Array(24), cls: null })),
        frozenFeatures: () => { throw new Error('not used'); }, frozenHidden: () => { throw new Error('not used'); },
        note: (text) => notes.push(text),
        base: { method: 'task_arithmetic', params: { lambda: 0.3 }, weights: new Map(), key: 'base', coefficients: null, ...base },
      };
      const m = (await tintingMethod.build(ctx, resolveTrainedParams('tinting'))) as TintingModel;
      return { m, notes };
    };

    it('on a closed-form base: fresh layer-wise λ 0.3 over the pool (θ0 + 0.3·Στt, summed here in plain JS), a note unless the base is Task Arithmetic λ 0.3', async () => {
      const { m, notes } = await build({});
      expect(notes).toEqual([]);
      expect(m.coefficients.granularity).toBe('layer');
      const merged = m.coefficients.merged();
      const [b, ...ex] = pool.weights;
      m.coefficients.specs.forEach((s, l) => {
        const got = merged[l].dataSync();
        const want = Array.from(b.get(s.name)!, (v, i) => v + ex.reduce((a, e) => a + 0.3 * (e.get(s.name)![i] - v), 0));
        want.forEach((w, i) => expect(Math.abs(got[i] - w), `${s.name}[${i}]`).toBeLessThan(1e-6));
      });
      tf.dispose(merged);
      m.dispose();
      for (const [method, params] of [['task_arithmetic', { lambda: 1 }], ['ties', { k: 20, lambda: 0.3 }]] as const) {
        const r = await build({ method, params });
        expect(r.notes, method).toEqual([`tinting trains its own layer-wise coefficients from λ = 0.3 (Task Arithmetic's start); the ${method} merge is not used.`]);
        r.m.dispose();
      }
    });

    it('on a trained base: continues its λ as a layer-wise copy (task-wise λt in every column), without a note, leaving the base\'s λ alone', async () => {
      const own = await MergeCoefficients.fromPool(pool.pretrained, pool.experts, ['t0', 't1'], { granularity: 'task' });
      own.load([[0.1], [0.7]]);
      const { m, notes } = await build({ method: 'adamerging', params: {}, coefficients: own });
      expect(notes).toEqual([]);
      expect(m.coefficients).not.toBe(own);
      expect((await m.modules())[0].values).toEqual(Float32Array.from([...new Array(24).fill(0.1), ...new Array(24).fill(0.7)]));
      m.dispose();
      expect(own.lambda.arraySync()).toEqual([[Math.fround(0.1)], [Math.fround(0.7)]]);
      own.dispose();
    });
  });
});
