// Model Tinting on an AdaMerging base trains ONE layer-wise set of coefficients, started from the
// base's λ (a task-wise λt broadcast to every tensor), and the extra parameters count each trained
// value once; a tensor whose task vectors are all zero (experts without visual_projection, the
// FusionBench layout) carries no counted coefficient. Counts are worked out from the architecture
// by hand: suite-tiny has 2 blocks × 16 tensors + 3 embedding + 2 pre-LN + 2 post-LN + 1 projection
// = 40 tensors, 3 tasks with 3, 4 and 2 classes and P = 32.
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { openSuiteDir } from '../data/suite-dir.node';
import { readAll, openSafetensors } from '../io/safetensors';
import { memorySource } from '../io/byte-source';
import { TINY, checkpointFrom, randomWeights, syntheticPool } from '../merge/test-pool.node';
import { VIT_B_32 } from '../model/clip-vit/config';
import { fixturePath } from '../testing/fixtures.node';
import { MergeCoefficients, coefficientTensorCount } from './coefficients';
import { runExperiment } from './experiment';
import { extraParamCount, resolveTrainedParams } from '../catalogue';

const SUITE = fixturePath('suite-tiny');

describe('merge coefficients: layer-wise continuation and counts', () => {
  it('layerWise() of a task-wise λ broadcasts it (same merge), trains apart from it, and frees only its own λ', async () => {
    const pool = await syntheticPool(3, 4);
    const before = tf.memory().numTensors;
    const tw = await MergeCoefficients.fromPool(pool.pretrained, pool.experts, ['a', 'b', 'c'], { granularity: 'task' });
    tw.load([[0.1], [0.7], [1.3]]);
    const lw = tw.layerWise();
    const L = tw.specs.length;
    expect(lw.granularity).toBe('layer');
    expect(lw.lambda.shape).toEqual([3, L]);
    const want = [0.1, 0.7, 1.3].map((v) => Math.fround(v));
    (lw.lambda.arraySync() as number[][]).forEach((row, t) => expect(row).toEqual(new Array(L).fill(want[t])));
    const [a, b] = [tw.merged(), lw.merged()];
    a.forEach((x, l) => expect(Array.from(b[l].dataSync())).toEqual(Array.from(x.dataSync())));
    tf.dispose([...a, ...b]);
    tf.tidy(() => lw.lambda.assign(tf.zerosLike(lw.lambda)));
    expect(tw.lambda.arraySync()).toEqual(want.map((v) => [v])); // the base's λ is its own
    lw.dispose();
    expect(tw.merged().map((x) => { const n = x.size; x.dispose(); return n; }).length).toBe(L); // θ0 and τ still alive
    tw.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('experts without visual_projection: that tensor carries no counted coefficient (L − 1 per task)', async () => {
    const bare = { ...TINY, projectionDim: null };
    const pretrained = await checkpointFrom('pre', randomWeights(1), TINY);
    const experts = await Promise.all([2, 3].map((s) => checkpointFrom(`e${s}`, randomWeights(s, 0.1, bare), bare)));
    const L = pretrained.params.length;
    expect(coefficientTensorCount(pretrained, experts)).toBe(L - 1);
    const c = await MergeCoefficients.fromPool(pretrained, experts, ['x', 'y'], { granularity: 'layer' });
    expect(c.lambda.shape).toEqual([2, L]); // columns still follow the checkpoint's tensors
    expect(c.liveTensors).toBe(L - 1);
    expect(c.size).toBe(2 * (L - 1));
    c.dispose();
    const withProj = await Promise.all([2, 3].map((s) => checkpointFrom(`e${s}`, randomWeights(s), TINY)));
    expect(coefficientTensorCount(pretrained, withProj)).toBe(L);
  });

  it('counts ViT-B/32 with FusionBench experts (199 coefficient tensors of 200) and AdaMerging + Tinting once', () => {
    const eight = Array.from({ length: 8 }, (_, i) => ({ name: `t${i}`, numClasses: 10 }));
    const ada = { method: 'adamerging', params: resolveTrainedParams('adamerging') };
    const tint = { method: 'tinting', params: resolveTrainedParams('tinting') };
    expect(extraParamCount(ada, null, VIT_B_32, eight, 199)).toBe(199 * 8);
    expect(extraParamCount(ada, null, VIT_B_32, eight)).toBe(200 * 8);
    const heads = 8 * 10 * (512 + 1);
    expect(extraParamCount(ada, tint, VIT_B_32, eight, 199)).toBe(heads + 199 * 8); // not 2 × 1,592
    const taskWise = { method: 'adamerging', params: resolveTrainedParams('adamerging', { granularity: 'task' }) };
    expect(extraParamCount(taskWise, tint, VIT_B_32, eight, 199)).toBe(heads + 199 * 8);
    expect(extraParamCount({ method: 'task_arithmetic', params: {} }, tint, VIT_B_32, eight, 199)).toBe(heads + 199 * 8);
    const surgery = { method: 'surgery', params: resolveTrainedParams('surgery') };
    expect(extraParamCount(taskWise, surgery, VIT_B_32, eight)).toBe(8 + 131_072);
  });

  it('on suite-tiny, Tinting after task-wise AdaMerging trains and reports 3 × 40 layer-wise λ + 297 head values = 417', async () => {
    const suite = await openSuiteDir(SUITE);
    const r = await runExperiment(suite, {
      suite: SUITE, limit: 8, preset: 'quick',
      merge: { method: 'adamerging', params: { granularity: 'task', iterations: 2 } },
      correction: { method: 'tinting', params: { iterations: 2 } },
    }, { keep: { hiddenImages: 0 } });
    expect(r.extraParams).toBe(3 * 40 + (3 + 4 + 2) * 33);
    const tensors = await readAll(await openSafetensors(memorySource(r.kept!.modules)));
    const tl = tensors.get('tinting.lambda')!;
    expect(tl.shape).toEqual([3, 40]);
    const base = tensors.get('adamerging.lambda')!; // the base's own (task-wise) result, kept beside it
    expect(base.shape).toEqual([3, 1]);
    expect(r.coefficients!.granularity).toBe('task');
    // Started from the base's λt in every column, then trained per tensor: the columns now differ.
    const rows = Array.from({ length: 3 }, (_, t) => Array.from(tl.values).slice(t * 40, (t + 1) * 40));
    expect(rows.some((row) => new Set(row).size > 1)).toBe(true);
    rows.forEach((row, t) => row.forEach((v) => expect(Math.abs(v - base.values[t])).toBeLessThan(2 * 2 * 3 * 1e-2 + 1e-6))); // ≤ 6 Adam steps of lr 1e-2
  });
});
