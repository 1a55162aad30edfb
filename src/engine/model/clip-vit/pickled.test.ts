// PyTorch pickles end to end: every fixture written by scripts/make-pickle-fixtures.py (PyTorch 1.13)
// is recognised and runs forward within 1e-4 of goldens computed in float64 by that script (the
// script checks its own forward against tiny-a's golden first); values come back bit-exact.
import * as tf from '@tensorflow/tfjs';
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeFileSource } from '../../io/node-source.node';
import type { TensorData } from '../../io/safetensors';
import { disposeParams } from '../../params/param-map';
import { fixturePath, loadFixtureTensors } from '../../testing/fixtures.node';
import { clipVisionForward, disposeOutput } from './forward';
import { loadParams } from './load';
import { openCheckpoint } from './open-checkpoint';

const open = async (folder: string) => {
  const dir = fixturePath('pickle', folder);
  const files = await Promise.all(readdirSync(dir).map((f) => nodeFileSource(`${dir}/${f}`)));
  return openCheckpoint(folder, files);
};

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

let tinyA: Map<string, TensorData>;
beforeAll(async () => {
  await tf.setBackend('cpu');
  tinyA = await loadFixtureTensors('tiny-a', 'model.safetensors');
});

const FOLDERS = ['tiny-a-bin', 'tiny-a-tree', 'tiny-a-bf16', 'tiny-a-f16', 'tiny-a-views', 'tiny-a-sharded', 'tiny-a-legacy'];

describe.each(FOLDERS)('PyTorch pickle fixture %s', (folder) => {
  it('runs forward within 1e-4 of its golden, without leaking tensors', async () => {
    const ck = await open(folder);
    expect(ck.notes[0]).toMatch(/^PyTorch pickle, read without executing code/);
    const inputs = await loadFixtureTensors('pickle', folder, 'inputs.safetensors');
    const golden = await loadFixtureTensors('pickle', folder, 'golden.safetensors');
    const pv = inputs.get('pixel_values')!;
    const before = tf.memory().numTensors;
    const params = await loadParams(ck);
    const pixels = tf.tensor4d(pv.values as Float32Array, pv.shape as [number, number, number, number]);
    const o = clipVisionForward(params, ck.config, pixels);
    for (const [key, t] of [['last_hidden_state', o.lastHiddenState], ['pooler_output', o.poolerOutput], ['image_embeds', o.imageEmbeds!]] as const) {
      const g = golden.get(key)!;
      expect(t.shape, key).toEqual(g.shape);
      expect(maxAbsDiff(t.dataSync(), g.values), key).toBeLessThan(1e-4);
    }
    disposeOutput(o);
    pixels.dispose();
    disposeParams(params);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('what the reader recognises', () => {
  it('opens lazily: only the zip directory, data.pkl and headers are read before a tensor is used', async () => {
    const dir = fixturePath('pickle', 'tiny-a-bin');
    const bin = await nodeFileSource(`${dir}/pytorch_model.bin`);
    let bytesRead = 0;
    const counted = { name: bin.name, size: bin.size, read: (o: number, n: number) => { bytesRead += n; return bin.read(o, n); } };
    const ck = await openCheckpoint('lazy', [counted, await nodeFileSource(`${dir}/config.json`)]);
    expect(bytesRead).toBeLessThan(bin.size / 10); // the weights are ~460 KB of the ~470 KB file
    const before = bytesRead;
    await ck.readParam('vision_model.encoder.layers.0.mlp.fc1.weight');
    expect(bytesRead - before).toBe(256 * 64 * 4); // exactly that tensor's bytes
  });

  it('F32 state dicts (plain, shared storages and views, sharded, legacy) read back bit-exact', async () => {
    for (const folder of ['tiny-a-bin', 'tiny-a-views', 'tiny-a-sharded', 'tiny-a-legacy']) {
      const ck = await open(folder);
      expect(ck.layout, folder).toBe('CLIPVisionModelWithProjection');
      for (const p of ck.params) {
        const got = await ck.readParam(p.name);
        const ref = tinyA.get(p.name)!.values;
        expect(maxAbsDiff(got, ref), `${folder} ${p.name}`).toBe(0);
      }
    }
  });

  it('readParamInto fills the memory of the caller for contiguous F32 tensors and falls back for views', async () => {
    for (const folder of ['tiny-a-bin', 'tiny-a-views', 'tiny-a-tree']) {
      const ck = await open(folder);
      for (const name of ['vision_model.encoder.layers.0.mlp.fc1.weight', 'vision_model.encoder.layers.1.mlp.fc2.weight', 'visual_projection.weight']) {
        const into = new Float32Array(256 * 64 + 5);
        const got = await ck.readParamInto!(name, into);
        expect(maxAbsDiff(got, tinyA.get(name)!.values), `${folder} ${name}`).toBe(0);
        // fc1 is stored contiguous in every fixture; fc2 is a transposed view in tiny-a-views; proj is transposed in the tree.
        const direct = !(folder === 'tiny-a-views' && name.includes('fc2')) && !(folder === 'tiny-a-tree' && name === 'visual_projection.weight');
        expect(got.buffer === into.buffer, `${folder} ${name}`).toBe(direct);
      }
    }
  });

  it('BF16 and F16 files keep their stored dtype and differ from F32 only by rounding', async () => {
    for (const [folder, dtype, eps] of [['tiny-a-bf16', 'BF16', 2 ** -8], ['tiny-a-f16', 'F16', 2 ** -11]] as const) {
      const ck = await open(folder);
      expect(ck.dtypes).toEqual({ [dtype]: 40 });
      const w = await ck.readParam('vision_model.encoder.layers.0.mlp.fc1.weight');
      const ref = tinyA.get('vision_model.encoder.layers.0.mlp.fc1.weight')!.values;
      let rel = 0;
      for (let i = 0; i < w.length; i++) rel = Math.max(rel, Math.abs(w[i] - ref[i]) / Math.max(Math.abs(ref[i]), 1e-3));
      expect(rel).toBeGreaterThan(0);
      expect(rel).toBeLessThanOrEqual(eps);
    }
  });

  it('a pickled task_vectors ImageEncoder: open_clip visual under "model.", config read from the modules', async () => {
    const ck = await open('tiny-a-tree');
    expect(ck.format).toBe('open_clip');
    expect(ck.layout).toBe('open_clip CLIP (visual part)');
    // Shapes alone would guess 1 head (head size 64); the pickled MultiheadAttention says 4.
    expect(ck.config.numHeads).toBe(4);
    expect(ck.config.hiddenAct).toBe('quick_gelu');
    expect(ck.notes[0]).toMatch(/pickled src\.modeling\.ImageEncoder module tree/);
    expect(ck.notes[0]).toMatch(/under "model\."/);
    expect(ck.notes[0]).toMatch(/inert records, never called: src\.modeling\.ImageEncoder/);
    expect(ck.notes.join('\n')).toMatch(/num_attention_heads 4 read from the pickled torch\.nn\.modules\.activation\.MultiheadAttention/);
    expect(ck.notes.join('\n')).toMatch(/text tower, logit_scale\) are ignored/);
    // proj is pickled as a transposed view of the HF projection: it must come back exactly.
    const proj = await ck.readParam('visual_projection.weight');
    expect(maxAbsDiff(proj, tinyA.get('visual_projection.weight')!.values)).toBe(0);
  });
});
