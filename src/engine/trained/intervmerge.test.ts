// IntervMerge on a 2-layer synthetic pool (D 24, s 2): the LoReFT form against plain arithmetic,
// edits only at CLS (and only the slice for mini/tiled), identity when W1 = W2 and b1 = b2, the
// gradient against finite differences (interventions, and λ when trained jointly), loss falls,
// determinism, no leaks, parameter counts for ViT-B/32.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomImages } from '../data/tiny-suite.node';
import { arrayImages } from '../data/task-images';
import { checkpointFrom, randomWeights } from '../merge/test-pool.node';
import { type ClipVisionConfig, VIT_B_32 } from '../model/clip-vit/config';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { loadParams } from '../model/clip-vit/load';
import { type ParamMap, disposeParams } from '../params/param-map';
import { referenceForward } from '../model/clip-vit/reference.node';
import { fixturePath, loadFixtureTensors } from '../testing/fixtures.node';
import { createRng } from '../random';
import { PixelBank } from '../train/data';
import { TrainingLoop } from '../train/loop';
import { MergeCoefficients } from './coefficients';
import { intervmerge } from '../catalogue/trained/intervmerge';
import type { Suite } from '../data/suite';
import { MergelabError } from '../errors';
import type { BuildContext } from './types';
import { type InterventionBase, type IntervMergeTask, IntervMergeModel, intervmergeMethod, loreft, orthonormalRows } from './intervmerge';
import { bankFeatures } from './losses';
import { resolveTrainedParams } from '../catalogue';
import { finiteDifference, head, randomRows } from './testing.node';

const CFG: ClipVisionConfig = { hiddenSize: 24, intermediateSize: 32, numLayers: 2, numHeads: 2, imageSize: 8, patchSize: 4, numChannels: 3, projectionDim: 6, hiddenAct: 'quick_gelu', layerNormEps: 1e-5 };
let pretrained: Checkpoint;
let experts: Checkpoint[];
let weights: ParamMap;
let tasks: IntervMergeTask[];

beforeAll(async () => {
  const base = randomWeights(5, 0.2, CFG);
  pretrained = await checkpointFrom('pre', base, CFG);
  experts = await Promise.all([0, 1].map((t) => checkpointFrom(`e${t}`, new Map([...randomWeights(60 + t, 0.05, CFG)].map(([n, v]) => [n, v.map((x, i) => x + base.get(n)![i])])), CFG)));
  weights = await loadParams(pretrained); // the "merge" the interventions sit on
  tasks = await Promise.all([0, 1].map(async (t) => {
    const bank = await PixelBank.load(arrayImages(`t${t}`, 'mem', randomImages(16, 8, 8, 3, 70 + t), [16, 8, 8, 3], new Int32Array(16), 3), 8);
    return { name: `t${t}`, head: head(`t${t}`, 3, 6, t), bank, teacher: randomRows(16, 6, 80 + t, 0.3) };
  }));
});

const model = (over: Record<string, unknown> = {}, base: InterventionBase = { weights }, seed = 1) =>
  new IntervMergeModel(base, CFG, tasks, resolveTrainedParams('intervmerge', { iterations: 3, lr: 1e-2, ...over } as never), 100, createRng(seed));

describe('IntervMerge', () => {
  it('computes Φ(h) = h + W2ᵀ((W1h + b1) − (W2h + b2)) per row', () => {
    const [x, w1, b1, w2, b2] = [randomRows(3, 5, 1), randomRows(2, 5, 2), randomRows(1, 2, 3), randomRows(2, 5, 4), randomRows(1, 2, 5)];
    const got = tf.tidy(() => loreft(tf.tensor2d(x, [3, 5]), tf.tensor2d(w1, [2, 5]), tf.tensor1d(b1), tf.tensor2d(w2, [2, 5]), tf.tensor1d(b2)).dataSync());
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) {
      let want = x[i * 5 + j];
      for (let k = 0; k < 2; k++) {
        let a = b1[k] - b2[k];
        for (let m = 0; m < 5; m++) a += (w1[k * 5 + m] - w2[k * 5 + m]) * x[i * 5 + m];
        want += w2[k * 5 + j] * a;
      }
      expect(got[i * 5 + j]).toBeCloseTo(want, 5);
    }
  });

  it('edits only the CLS row; mini only its first s coordinates; tiled block l only [l·s, (l+1)·s), by a fixed vector along orthonormal R̂', () => {
    const h = tf.tensor3d(randomRows(2 * 5, 24, 9), [2, 5, 24]);
    const h2 = tf.tensor3d(randomRows(2 * 5, 24, 10), [2, 5, 24]);
    for (const variant of ['full', 'mini', 'tiled'] as const) {
      const m = model({ variant, rank: 2 });
      for (const l of [0, 1]) {
        const [d, d2] = tf.tidy(() => [h, h2].map((x) => tf.sub(m.hooks(m.vars[0]).attentionOutput!(l, x), x).arraySync() as number[][][])); // Φ(h) − h
        for (let b = 0; b < 2; b++) {
          for (let s = 1; s < 5; s++) expect(d[b][s].every((v) => v === 0), `${variant} token ${s}`).toBe(true);
          const changed = d[b][0].map((v, j) => (v !== 0 ? j : -1)).filter((j) => j >= 0);
          if (variant === 'full') expect(changed.length).toBeGreaterThan(20);
          if (variant === 'mini') expect(changed.every((j) => j < 2)).toBe(true);
          if (variant === 'tiled') {
            expect(changed.every((j) => j >= 2 * l && j < 2 * l + 2)).toBe(true);
            d2[b][0].forEach((v, j) => expect(v).toBeCloseTo(d[b][0][j], 5)); // input-independent
          }
        }
      }
      if (variant === 'tiled') {
        const rhat = tf.tidy(() => orthonormalRows(tf.squeeze(tf.slice(m.vars[0][0], [0], [1]), [0]) as tf.Tensor2D));
        const gram = tf.tidy(() => tf.matMul(rhat, rhat, false, true).arraySync() as number[][]);
        gram.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(i === j ? 1 : 0, 5)));
        rhat.dispose();
      }
      m.dispose();
    }
    tf.dispose([h, h2]);
  });

  it('is the identity when W1 = W2 and b1 = b2 (or b = 0 for tiled), and not at the default init', async () => {
    const plain = await bankFeatures(weights, CFG, tasks[0].bank);
    for (const variant of ['full', 'mini', 'tiled'] as const) {
      const m = model({ variant });
      expect(Array.from((await m.outputs(tasks[0].name, 0)).z).some((v, i) => Math.abs(v - plain[i]) > 1e-6), `${variant} init`).toBe(true);
      const v = m.vars[0];
      if (variant === 'tiled') v[1].assign(tf.zerosLike(v[1]));
      else { v[2].assign(v[0]); v[3].assign(v[1]); }
      expect(Array.from((await m.outputs(tasks[0].name, 0)).z)).toEqual(Array.from(plain));
      m.dispose();
    }
  });

  it('has the gradient of its L1 loss (finite differences), for the interventions and for jointly trained λ', async () => {
    const coefficients = await MergeCoefficients.fromPool(pretrained, experts, ['t0', 't1'], { granularity: 'layer' });
    for (const base of [{ weights }, { coefficients }] as InterventionBase[]) {
      const m = model({ trainCoefficients: true }, base);
      const pixels = tasks[1].bank.batch([...Array(8).keys()]);
      const teacher = tf.tensor2d(randomRows(8, 6, 3, 0.1).map((x) => x + 5), [8, 6]); // one side of every |·| kink
      const mergedMap = () => ('weights' in base ? base.weights : coefficients.mergedMap());
      const lossAt = () => tf.tidy(() => m.loss(pixels, teacher, mergedMap(), m.vars[1]));
      const targets: tf.Variable[] = 'weights' in base ? [m.vars[1][0], m.vars[1][3]] : [coefficients.lambda as tf.Variable];
      for (const v of targets) {
        const g = tf.tidy(() => {
          if ('weights' in base) return tf.variableGrads(lossAt, [v]).grads[v.name].dataSync();
          const merged = coefficients.merged();
          const grads = tf.grads((...xs: tf.Tensor[]) => m.loss(pixels, teacher, new Map(coefficients.specs.map((s, l) => [s.name, xs[l]])), m.vars[1]))(merged);
          return coefficients.lambdaGrad(grads).dataSync();
        });
        const scale = Math.max(...Array.from(g, Math.abs));
        expect(scale).toBeGreaterThan(0);
        const at = [...new Set([0, 3, Math.floor(g.length / 2), g.length - 1].filter((j) => j < g.length))];
        const f = (x: tf.Tensor) => { const keep = v.clone(); v.assign(x); const out = lossAt().dataSync()[0]; v.assign(keep); keep.dispose(); return out; };
        finiteDifference(f, v, at, 1e-2).forEach((fd, k) => expect(Math.abs(fd - g[at[k]]), `${v.shape} ${at[k]}`).toBeLessThan(3e-2 * scale));
      }
      tf.dispose([pixels, teacher]);
      m.dispose();
    }
    coefficients.dispose();
  });

  it('trains (L1 falls), alone or jointly with λ, reproducibly, without leaking', async () => {
    const before = tf.memory().numTensors;
    const coefficients = await MergeCoefficients.fromPool(pretrained, experts, ['t0', 't1'], { granularity: 'layer' });
    const run = async (over: Record<string, unknown>, base: InterventionBase) => {
      const m = model({ iterations: 8, ...over }, base);
      const loop = new TrainingLoop(m);
      await loop.run();
      const pred = await m.predict('t1');
      m.dispose();
      return { losses: loop.losses as number[], pred }; // IntervMerge never skips a step
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    for (const variant of ['full', 'mini', 'tiled']) {
      const a = await run({ variant }, { weights });
      expect(a.losses).toHaveLength(32);
      expect(mean(a.losses.slice(-8)), variant).toBeLessThan(mean(a.losses.slice(0, 8)));
      if (variant === 'tiled') expect((await run({ variant }, { weights })).losses).toEqual(a.losses);
      expect(a.pred).toHaveLength(16);
    }
    const lambda0 = (await coefficients.json()).lambda;
    const j = await run({ trainCoefficients: true }, { coefficients });
    expect(mean(j.losses.slice(-8))).toBeLessThan(mean(j.losses.slice(0, 8)));
    expect((await coefficients.json()).lambda).not.toEqual(lambda0);
    coefficients.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('counts (2D + 2)·r·L·T = 147,648 for ViT-B/32 r 1 × 8 tasks; mini 12,480; tiled 6,240', () => {
    const eight = Array.from({ length: 8 }, (_, i) => ({ name: `t${i}`, numClasses: 10 }));
    const count = (variant: string) => intervmerge.trainableParamCount(resolveTrainedParams('intervmerge', { variant }), VIT_B_32, eight);
    expect([count('full'), count('mini'), count('tiled')]).toEqual([147_648, 12_480, 6_240]);
    expect(intervmerge.totalSteps(resolveTrainedParams('intervmerge'), 8)).toBe(8000);
  });
});


// The edited forward from the outside: tiny-a's real weights (2 blocks, D 64, 4 heads) as the merge,
// non-identity interventions, and the plain-JS forward of model/clip-vit/reference.node.ts with the
// edit written here from METHODS §8 (block l's attention output at CLS, before the residual add).
describe('IntervMerge against an independent forward', () => {
  const tinyA = async () => {
    const j = JSON.parse(readFileSync(fixturePath('tiny-a', 'config.json'), 'utf8'));
    const config: ClipVisionConfig = {
      hiddenSize: j.hidden_size, intermediateSize: j.intermediate_size, numLayers: j.num_hidden_layers, numHeads: j.num_attention_heads,
      imageSize: j.image_size, patchSize: j.patch_size, numChannels: j.num_channels, projectionDim: j.projection_dim, hiddenAct: j.hidden_act, layerNormEps: j.layer_norm_eps,
    };
    const raw = await loadFixtureTensors('tiny-a', 'model.safetensors');
    return { config, raw: new Map([...raw].map(([n, t]) => [n, t.values as Float32Array])), params: new Map([...raw].map(([n, t]) => [n, tf.tensor(t.values as Float32Array, t.shape)])) as ParamMap };
  };
  const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

  it('the reference forward reproduces the Hugging Face golden of tiny-a (1e-4)', async () => {
    const { config, raw, params } = await tinyA();
    const pv = (await loadFixtureTensors('tiny-a', 'inputs.safetensors')).get('pixel_values')!;
    const golden = (await loadFixtureTensors('tiny-a', 'golden.safetensors')).get('image_embeds')!;
    const per = pv.values.length / pv.shape[0];
    const P = config.projectionDim!;
    for (let b = 0; b < pv.shape[0]; b++) {
      const { embeds } = referenceForward(raw, config, (pv.values as Float32Array).subarray(b * per, (b + 1) * per));
      expect(maxDiff(embeds!, (golden.values as Float32Array).subarray(b * P, (b + 1) * P))).toBeLessThan(1e-4);
    }
    disposeParams(params);
  });

  it('full, mini and tiled: z equals the reference with Φ applied to attn(LN1 x) at CLS before the residual add', async () => {
    const { config, raw, params } = await tinyA();
    const { hiddenSize: D, imageSize: S, projectionDim: P } = config;
    const bank = await PixelBank.load(arrayImages('x', 'mem', randomImages(3, S, S, 3, 7), [3, S, S, 3], new Int32Array(3), 3), S);
    const task: IntervMergeTask = { name: 'x', head: head('x', 3, P!, 1), bank, teacher: randomRows(3, P!, 2) };
    const pixels = bank.batch([0, 1, 2]);
    const px = pixels.dataSync() as Float32Array;
    pixels.dispose();
    const s = Math.floor(D / 12);
    for (const variant of ['full', 'mini', 'tiled'] as const) {
      const m = new IntervMergeModel({ weights: params }, config, [task], resolveTrainedParams('intervmerge', { variant, rank: 2 }), 100, createRng(3));
      // Non-identity interventions, large enough that a misplaced edit moves z far beyond the tolerance.
      const rng = createRng(11);
      tf.tidy(() => m.vars[0].forEach((v) => v.assign(tf.tensor(Float32Array.from({ length: v.size }, () => 0.4 * rng.normal()), v.shape))));
      const w = m.vars[0].map((v) => v.arraySync() as number[][][] | number[][]); // [L, r, d] and [L, r]
      const loreftJs = (x: number[], l: number) => {
        const [w1, b1, w2, b2] = w as [number[][][], number[][], number[][][], number[][]];
        const diff = w1[l].map((row, k) => row.reduce((a, v, j) => a + (v - w2[l][k][j]) * x[j], b1[l][k] - b2[l][k]));
        return x.map((v, j) => v + diff.reduce((a, dk, k) => a + dk * w2[l][k][j], 0));
      };
      const edit = (l: number, h: number[]) => {
        if (variant === 'full') return loreftJs(h, l);
        if (variant === 'mini') return [...loreftJs(h.slice(0, s), l), ...h.slice(s)];
        const [R, b] = w as [number[][][], number[][]];
        const rows: number[][] = []; // Gram–Schmidt of R_l's rows
        for (const r of R[l]) {
          let u = [...r];
          for (const e of rows) { const dot = u.reduce((a, v, j) => a + v * e[j], 0); u = u.map((v, j) => v - dot * e[j]); }
          const n = Math.hypot(...u);
          rows.push(u.map((v) => v / n));
        }
        return h.map((v, j) => (j >= l * s && j < (l + 1) * s ? v + rows.reduce((a, e, k) => a + b[l][k] * e[j - l * s], 0) : v));
      };
      const z = (await m.outputs('x', 0)).z;
      for (let i = 0; i < 3; i++) {
        const img = px.subarray(i * 3 * S * S, (i + 1) * 3 * S * S);
        const want = referenceForward(raw, config, img, { editAttentionCls: edit }).embeds!;
        const plain = referenceForward(raw, config, img).embeds!;
        const got = z.subarray(i * P!, (i + 1) * P!);
        expect(maxDiff(got, want), `${variant} image ${i}`).toBeLessThan(1e-4 * Math.max(1, ...want.map(Math.abs)));
        expect(maxDiff(got, plain), `${variant} image ${i}: the edit matters`).toBeGreaterThan(1e-2);
      }
      m.dispose();
    }
    disposeParams(params);
  });
});

describe('IntervMerge: construction, schedule, modules and build', () => {
  it('tiled needs L disjoint slices of s = ⌊D/12⌋: L·s > D is a usage error, L·s = D is fine, full and mini never ask', () => {
    const at = (numLayers: number) => ({ ...CFG, numLayers }); // D 24, s 2
    let err: unknown;
    try { new IntervMergeModel({ weights }, at(13), tasks, resolveTrainedParams('intervmerge', { variant: 'tiled' } as never), 100, createRng(1)); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MergelabError);
    expect(err).toMatchObject({ code: 'usage', message: 'intervmerge: the tiled variant needs 13 disjoint slices of 2 coordinates but D is 24.', hint: 'Use variant full or mini for this architecture.' });
    for (const [variant, L] of [['tiled', 12], ['full', 13], ['mini', 13]] as const) {
      const m = new IntervMergeModel({ weights }, at(L), tasks, resolveTrainedParams('intervmerge', { variant } as never), 100, createRng(1));
      expect(m.vars[0][0].shape[0], `${variant} L ${L}`).toBe(L);
      m.dispose();
    }
  });

  it('initialises every weight and bias uniformly in ±1/√fan_in (PyTorch Linear): d = D for full, s for mini', () => {
    for (const [variant, d] of [['full', 24], ['mini', 2]] as const) {
      const m = model({ variant, rank: 4 });
      const all = m.vars.flat().flatMap((v) => Array.from(v.dataSync()));
      const bound = 1 / Math.sqrt(d);
      expect(Math.max(...all.map(Math.abs)), variant).toBeLessThanOrEqual(bound);
      expect(Math.max(...all), variant).toBeGreaterThan(0.8 * bound); // both ends of the range are reached
      expect(Math.min(...all), variant).toBeLessThan(-0.8 * bound);
      m.dispose();
    }
  });

  it('trains jointly only with trainCoefficients on a coefficient base; modules() name every tensor, plus λ when joint', async () => {
    const coefficients = await MergeCoefficients.fromPool(pretrained, experts, ['t0', 't1'], { granularity: 'layer' });
    for (const [trainCoefficients, base] of [[true, { weights }], [false, { coefficients }]] as [boolean, InterventionBase][]) {
      const m = model({ trainCoefficients }, base);
      expect(m.coefficients).toBeNull();
      m.dispose();
    }
    const joint = model({ trainCoefficients: true, rank: 3 }, { coefficients });
    expect(joint.coefficients).toBe(coefficients);
    // CFG: L 2 blocks, D 24, s 2; rank 3. Full: W [L, r, D], b [L, r] twice per task.
    const mods = await joint.modules();
    expect(mods.map((x) => [x.name, x.shape])).toEqual([
      ...['t0', 't1'].flatMap((t) => [[`intervmerge.${t}.w1`, [2, 3, 24]], [`intervmerge.${t}.b1`, [2, 3]], [`intervmerge.${t}.w2`, [2, 3, 24]], [`intervmerge.${t}.b2`, [2, 3]]]),
      ['adamerging.lambda', [2, coefficients.specs.length]],
    ]);
    mods.slice(0, 8).forEach((x, k) => expect(x.values).toEqual(joint.vars[Math.floor(k / 4)][k % 4].dataSync()));
    joint.dispose();
    const tiled = model({ variant: 'tiled', rank: 1 });
    expect((await tiled.modules()).map((x) => [x.name, x.shape])).toEqual(['t0', 't1'].flatMap((t) => [[`intervmerge.${t}.R`, [2, 1, 2]], [`intervmerge.${t}.b`, [2, 1]]]));
    tiled.dispose();
    coefficients.dispose();
  });

  it('trains task ⌊(i mod 2T)/2⌋ at step i (two batches per task in turn), and outputs(task) are that task\'s', async () => {
    // A third task with 8 images, so lengths tell the tasks apart.
    const bank = await PixelBank.load(arrayImages('u', 'mem', randomImages(8, 8, 8, 3, 77), [8, 8, 8, 3], new Int32Array(8), 3), 8);
    const u: IntervMergeTask = { name: 'u', head: head('u', 3, 6, 5), bank, teacher: randomRows(8, 6, 78, 0.3) };
    const m = new IntervMergeModel({ weights }, CFG, [...tasks, u], resolveTrainedParams('intervmerge', { iterations: 1, lr: 1e-2 } as never), 100, createRng(1));
    const trained: number[] = [];
    for (let i = 0; i < 8; i++) {
      const before = m.vars.map((v) => v[1].dataSync().slice());
      await m.step(i);
      const moved = m.vars.map((v, t) => v[1].dataSync().some((x, j) => x !== before[t][j]));
      expect(moved.filter(Boolean), `step ${i}`).toHaveLength(1);
      trained.push(moved.indexOf(true));
    }
    expect(trained).toEqual([0, 0, 1, 1, 2, 2, 0, 0]);
    expect([(await m.predict('t1')).length, (await m.predict('u')).length]).toEqual([16, 8]);
    m.dispose();
  });

  it('build: frozen base weights unless trainCoefficients and the base has coefficients (a note when it has none)', async () => {
    const coefficients = await MergeCoefficients.fromPool(pretrained, experts, ['t0', 't1'], { granularity: 'layer' });
    const build = async (p: Record<string, unknown>, withCoefficients: boolean) => {
      const notes: string[] = [];
      const ctx: BuildContext = {
        suite: {} as Suite, names: ['t0', 't1'], config: CFG, heads: tasks.map((t) => t.head), logitScale: 100, rng: createRng(1), hiddenImages: 0,
        pixelBanks: async () => tasks.map((t) => t.bank),
        individual: async () => tasks.map((t) => ({ n: 16, dim: 6, z: t.teacher, labels: new Int32Array(16), cls: null })),
        frozenFeatures: () => { throw new Error('not used'); }, frozenHidden: () => { throw new Error('not used'); },
        note: (text) => notes.push(text),
        base: { method: withCoefficients ? 'adamerging' : 'ties', params: {}, weights, key: 'base', coefficients: withCoefficients ? coefficients : null },
      };
      const m = (await intervmergeMethod.build(ctx, resolveTrainedParams('intervmerge', p as never))) as IntervMergeModel;
      return { m, notes };
    };
    const plain = await bankFeatures(weights, CFG, tasks[0].bank);
    for (const [p, withC] of [[{}, true], [{ trainCoefficients: true }, false]] as const) {
      const { m, notes } = await build(p, withC);
      expect(m.coefficients).toBeNull();
      expect(notes).toEqual(withC ? [] : ['intervmerge: trainCoefficients needs an AdaMerging base; the ties merge stays frozen.']);
      // Identity interventions: the student is the frozen base weights' forward.
      m.vars[0][2].assign(m.vars[0][0]); m.vars[0][3].assign(m.vars[0][1]);
      expect(Array.from((await m.outputs('t0', 0)).z)).toEqual(Array.from(plain));
      m.dispose();
    }
    const { m, notes } = await build({ trainCoefficients: true }, true);
    expect(notes).toEqual([]);
    expect(m.coefficients).toBe(coefficients);
    expect(await m.step(0)).toBeGreaterThan(0);
    m.dispose();
    coefficients.dispose();
  });
});
