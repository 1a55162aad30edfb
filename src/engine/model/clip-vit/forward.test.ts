// Forward pass: goldens of both fixtures (1e-4 on the CPU backend), hooks, batch independence,
// gradients, shape errors and tensor leaks.
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MergelabError } from '../../errors';
import { disposeParams, type ParamMap } from '../../params/param-map';
import { fixturePath, loadFixtureTensors } from '../../testing/fixtures.node';
import type { ClipVisionConfig } from './config';
import { clipVisionForward, disposeOutput } from './forward';

interface Fixture { config: ClipVisionConfig; params: ParamMap; pixels: tf.Tensor4D; golden: Map<string, { shape: number[]; values: ArrayLike<number> }> }

/** The fixture's config.json in our vocabulary (the test's own reading, independent of the loader). */
function fixtureConfig(name: string): ClipVisionConfig {
  const j = JSON.parse(readFileSync(fixturePath(name, 'config.json'), 'utf8'));
  return {
    hiddenSize: j.hidden_size, intermediateSize: j.intermediate_size, numLayers: j.num_hidden_layers,
    numHeads: j.num_attention_heads, imageSize: j.image_size, patchSize: j.patch_size, numChannels: j.num_channels,
    projectionDim: j.projection_dim ?? null, hiddenAct: j.hidden_act, layerNormEps: j.layer_norm_eps,
  };
}

async function loadFixture(name: string): Promise<Fixture> {
  const params: ParamMap = new Map();
  for (const [n, t] of await loadFixtureTensors(name, 'model.safetensors')) params.set(n, tf.tensor(t.values as Float32Array, t.shape));
  const inputs = await loadFixtureTensors(name, 'inputs.safetensors');
  const pv = inputs.get('pixel_values')!;
  return { config: fixtureConfig(name), params, pixels: tf.tensor4d(pv.values as Float32Array, pv.shape as [number, number, number, number]), golden: await loadFixtureTensors(name, 'golden.safetensors') };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const fixtures: Record<string, Fixture> = {};
beforeAll(async () => {
  fixtures['tiny-a'] = await loadFixture('tiny-a');
  fixtures['tiny-b'] = await loadFixture('tiny-b');
});

describe.each(['tiny-a', 'tiny-b'])('clipVisionForward on %s', (name) => {
  it('matches the golden outputs and every hidden state to 1e-4, without leaking tensors', () => {
    const f = fixtures[name];
    const before = tf.memory().numTensors;
    const o = clipVisionForward(f.params, f.config, f.pixels, { hiddenStates: true });
    const check = (key: string, t: tf.Tensor) => {
      const g = f.golden.get(key)!;
      expect(t.shape, key).toEqual(g.shape);
      expect(maxAbsDiff(t.dataSync(), g.values), key).toBeLessThan(1e-4);
    };
    check('last_hidden_state', o.lastHiddenState);
    check('pooler_output', o.poolerOutput);
    check('image_embeds', o.imageEmbeds!);
    expect(o.hiddenStates).toHaveLength(f.config.numLayers + 1);
    o.hiddenStates.forEach((h, i) => check(`hidden_states.${i}`, h));
    disposeOutput(o);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('clipVisionForward properties (tiny-a)', () => {
  it('returns no hidden states unless asked, and the same outputs', () => {
    const f = fixtures['tiny-a'];
    const before = tf.memory().numTensors;
    const a = clipVisionForward(f.params, f.config, f.pixels);
    const b = clipVisionForward(f.params, f.config, f.pixels, { hiddenStates: true });
    expect(a.hiddenStates).toEqual([]);
    expect(maxAbsDiff(a.imageEmbeds!.dataSync(), b.imageEmbeds!.dataSync())).toBe(0);
    disposeOutput(a);
    disposeOutput(b);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('an identity hook changes nothing; a zeroing hook is called once per layer and changes the output', () => {
    const f = fixtures['tiny-a'];
    const before = tf.memory().numTensors;
    const plain = clipVisionForward(f.params, f.config, f.pixels);
    const ident = clipVisionForward(f.params, f.config, f.pixels, { hooks: { attentionOutput: (_l, h) => h } });
    const seen: number[] = [];
    const zeroed = clipVisionForward(f.params, f.config, f.pixels, {
      hooks: { attentionOutput: (l, h) => { seen.push(l); expect(h.shape).toEqual([4, 17, 64]); return tf.zerosLike(h); } },
    });
    expect(maxAbsDiff(plain.lastHiddenState.dataSync(), ident.lastHiddenState.dataSync())).toBe(0);
    expect(seen).toEqual([0, 1]);
    expect(maxAbsDiff(plain.imageEmbeds!.dataSync(), zeroed.imageEmbeds!.dataSync())).toBeGreaterThan(1e-2);
    [plain, ident, zeroed].forEach(disposeOutput);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('treats batch rows independently: a batch equals the forwards of its rows', () => {
    const f = fixtures['tiny-a'];
    const all = clipVisionForward(f.params, f.config, f.pixels);
    const whole = all.imageEmbeds!.arraySync();
    for (const i of [0, 3]) {
      const row = tf.slice(f.pixels, [i, 0, 0, 0], [1, 3, 32, 32]);
      const one = clipVisionForward(f.params, f.config, row);
      expect(maxAbsDiff(one.imageEmbeds!.dataSync(), whole[i])).toBeLessThan(1e-5);
      disposeOutput(one);
      row.dispose();
    }
    disposeOutput(all);
  });

  it('is differentiable with respect to tf.Variable parameters (gradient matches a finite difference)', () => {
    const f = fixtures['tiny-a'];
    const name = 'vision_model.encoder.layers.0.mlp.fc1.weight';
    const vars: ParamMap = new Map([...f.params].map(([n, t]) => [n, tf.variable(t, true, `fwdtest/${n}`)]));
    const w = vars.get(name) as tf.Variable;
    const loss = () => tf.tidy(() => tf.sum(tf.square(clipVisionForward(vars, f.config, f.pixels).imageEmbeds!)) as tf.Scalar);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(loss, [w]);
    const g = grads[w.name].dataSync() as Float32Array;
    expect(g.every(Number.isFinite)).toBe(true);
    const k = g.reduce((best, v, i) => (Math.abs(v) > Math.abs(g[best]) ? i : best), 0);
    const w0 = w.dataSync().slice();
    const at = (delta: number) => {
      const moved = w0.slice();
      moved[k] += delta;
      tf.tidy(() => w.assign(tf.tensor(moved, w.shape)));
      const l = loss();
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    };
    const eps = 1e-2;
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    expect(Math.abs(numeric - g[k])).toBeLessThan(2e-2 * Math.abs(g[k]));
    value.dispose();
    tf.dispose(grads);
    expect(tf.memory().numTensors).toBe(before);
    disposeParams(vars);
  });

  it('rejects pixels of the wrong size and a missing parameter with typed errors', () => {
    const f = fixtures['tiny-a'];
    const wrong = tf.zeros([1, 3, 16, 16]) as tf.Tensor4D;
    expect(() => clipVisionForward(f.params, f.config, wrong)).toThrow(/\[1, 3, 16, 16\].*\[B, 3, 32, 32\]/);
    wrong.dispose();
    const partial: ParamMap = new Map(f.params);
    partial.delete('vision_model.encoder.layers.1.mlp.fc2.bias');
    const before = tf.memory().numTensors;
    let err: unknown;
    try { clipVisionForward(partial, f.config, f.pixels); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(MergelabError);
    expect((err as Error).message).toContain('vision_model.encoder.layers.1.mlp.fc2.bias');
    expect(tf.memory().numTensors).toBe(before);
    expect(() => clipVisionForward(f.params, f.config, f.pixels, { hooks: { attentionOutput: (_l, h) => tf.slice(h, [0, 0, 0], [4, 1, 64]) } }))
      .toThrow(/hook of layer 0 returned shape \[4, 1, 64\], expected \[4, 17, 64\]/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
