/**
 * Golden tests on the merge fixture family (e2e/fixtures/merge, pretrained = tiny-a): the merged
 * weights equal the golden checkpoints, and their forward outputs match golden.safetensors.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCheckpointPath } from '../model/clip-vit/open-checkpoint-path.node';
import { clipVisionForward, disposeOutput } from '../model/clip-vit/forward';
import { loadFixtureTensors, fixturePath } from '../testing/fixtures.node';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { mergeInMemory, mergeToParamMap } from './in-memory';
import { denseTies, fixturePool, maxAbsDiff, readWeights } from './test-pool.node';

const CASES = [
  { folder: 'merged-average', method: 'average', params: {} },
  { folder: 'merged-task-arithmetic-0.3', method: 'task_arithmetic', params: { lambda: 0.3 } },
  { folder: 'merged-ties-0.2-1.0', method: 'ties', params: { k: 20, aggregate: 'mean', lambda: 1 } },
] as const;

let pool: { pretrained: Checkpoint; experts: Checkpoint[] };
beforeAll(async () => {
  pool = await fixturePool();
});

describe('merge goldens (weights)', () => {
  for (const c of CASES) {
    it(`${c.method} ${JSON.stringify(c.params)} equals ${c.folder}/model.safetensors`, async () => {
      const golden = await readWeights(await openCheckpointPath(fixturePath('merge', c.folder)));
      const merged = await mergeInMemory({ ...pool, method: c.method, params: c.params });
      expect([...merged.values.keys()]).toEqual([...golden.keys()]);
      expect(maxAbsDiff(merged.values, golden)).toBeLessThanOrEqual(1e-6);
    });
  }
});

describe('TIES uses a global threshold per task, not one per tensor', () => {
  it('a dense reference matches the golden with a global threshold and misses it per tensor', async () => {
    const golden = await readWeights(await openCheckpointPath(fixturePath('merge', 'merged-ties-0.2-1.0')));
    const base = await readWeights(pool.pretrained);
    const experts = await Promise.all(pool.experts.map(readWeights));
    expect(maxAbsDiff(denseTies(base, experts, 20, 'global'), golden)).toBeLessThanOrEqual(1e-6);
    const perTensor = denseTies(base, experts, 20, 'tensor');
    let differ = 0;
    for (const [n, v] of perTensor) v.forEach((x, i) => { if (Math.abs(x - golden.get(n)![i]) > 1e-6) differ++; });
    expect(differ).toBeGreaterThan(1000);
  });
});

describe('merge goldens (forward outputs on tiny-a/inputs.safetensors)', () => {
  for (const c of CASES) {
    it(`${c.method}: pooler_output and image_embeds match ${c.folder}/golden.safetensors to 1e-4`, async () => {
      const inputs = await loadFixtureTensors('tiny-a', 'inputs.safetensors');
      const golden = await loadFixtureTensors('merge', c.folder, 'golden.safetensors');
      const before = tf.memory().numTensors;
      const { weights, config } = await mergeToParamMap({ ...pool, method: c.method, params: c.params });
      const px = inputs.get('pixel_values')!;
      const pixels = tf.tensor4d(px.values as Float32Array, px.shape as [number, number, number, number]);
      const out = clipVisionForward(weights, config, pixels);
      const diff = (t: tf.Tensor, name: string) => {
        const g = golden.get(name)!;
        expect(t.shape).toEqual(g.shape);
        const v = t.dataSync();
        return Math.max(...Array.from(v, (x, i) => Math.abs(x - (g.values as Float32Array)[i])));
      };
      expect(diff(out.poolerOutput, 'pooler_output')).toBeLessThan(1e-4);
      expect(diff(out.imageEmbeds!, 'image_embeds')).toBeLessThan(1e-4);
      disposeOutput(out);
      pixels.dispose();
      for (const t of weights.values()) t.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
