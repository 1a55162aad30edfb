// The random-checkpoint generator on a tiny config: recognised as a CLIP vision tower, realistic
// scales, seeded and reproducible, experts = pretrained + small deltas, reuse without rewriting.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpointPath } from '../src/engine/model/clip-vit/open-checkpoint-path.node.js';
import type { ClipVisionConfig } from '../src/engine/model/clip-vit/config';
import { openTextModelPath } from '../src/engine/model/clip-text/open-text-model-path.node.js';
import type { ClipTextConfig } from '../src/engine/model/clip-text/config';
import { VIT_B_32_TEXT, syntheticTokenizer } from './gen-clip-text';
import { writeCheckpoint, writeClipModel } from './gen-vitb32';

const TINY: ClipVisionConfig = { hiddenSize: 32, intermediateSize: 64, numLayers: 2, numHeads: 2, imageSize: 16, patchSize: 8, numChannels: 3, projectionDim: 8, hiddenAct: 'quick_gelu', layerNormEps: 1e-5 };
const dir = mkdtempSync(join(tmpdir(), 'mergelab-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const std = (v: Float32Array, mean = 0) => Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / v.length);

describe('gen-vitb32 writeCheckpoint', () => {
  it('writes a recognised HF folder with N(0, 0.02) weights and identity layer norms, reproducibly', async () => {
    expect(await writeCheckpoint(join(dir, 'a'), TINY, 7, 0)).toBe(true);
    expect(await writeCheckpoint(join(dir, 'b'), TINY, 7, 0)).toBe(true);
    const a = await openCheckpointPath(join(dir, 'a'));
    const b = await openCheckpointPath(join(dir, 'b'));
    expect(a.layout).toBe('CLIPVisionModelWithProjection');
    expect(a.configSource).toBe('config.json');
    expect(a.config).toEqual(TINY);
    expect(a.dtypes).toEqual({ F32: a.params.length });
    const fc1 = await a.readParam('vision_model.encoder.layers.1.mlp.fc1.weight');
    expect(std(fc1)).toBeGreaterThan(0.018);
    expect(std(fc1)).toBeLessThan(0.022);
    expect(await b.readParam('vision_model.encoder.layers.1.mlp.fc1.weight')).toEqual(fc1);
    expect(await a.readParam('vision_model.encoder.layers.0.mlp.fc1.weight')).not.toEqual(fc1); // each tensor has its own stream
    expect((await a.readParam('vision_model.pre_layrnorm.weight')).every((x) => x === 1)).toBe(true);
    expect((await a.readParam('vision_model.encoder.layers.0.layer_norm2.bias')).every((x) => x === 0)).toBe(true);
    const other = join(dir, 'c');
    await writeCheckpoint(other, TINY, 8, 0);
    expect(await (await openCheckpointPath(other)).readParam('vision_model.encoder.layers.1.mlp.fc1.weight')).not.toEqual(fc1);
  });

  it('makes experts as pretrained + seeded N(0, 0.002) deltas, and reuses a folder with the same seed', async () => {
    await writeCheckpoint(join(dir, 'pool', 'pretrained'), TINY, 3, 0);
    await writeCheckpoint(join(dir, 'pool', 'expert-1'), TINY, 3, 1);
    await writeCheckpoint(join(dir, 'pool', 'expert-2'), TINY, 3, 2);
    const [p, e1, e2] = await Promise.all(['pretrained', 'expert-1', 'expert-2'].map((d) => openCheckpointPath(join(dir, 'pool', d))));
    const name = 'vision_model.encoder.layers.0.self_attn.q_proj.weight';
    const [w0, w1, w2] = await Promise.all([p, e1, e2].map((c) => c.readParam(name)));
    const d1 = w1.map((x, i) => x - w0[i]);
    const d2 = w2.map((x, i) => x - w0[i]);
    expect(std(d1)).toBeGreaterThan(0.0015);
    expect(std(d1)).toBeLessThan(0.0025);
    const corr = d1.reduce((a, x, i) => a + x * d2[i], 0) / (d1.length * std(d1) * std(d2));
    expect(Math.abs(corr)).toBeLessThan(0.1); // independent task vectors
    const file = join(dir, 'pool', 'expert-1', 'model.safetensors');
    const before = statSync(file).mtimeMs;
    expect(await writeCheckpoint(join(dir, 'pool', 'expert-1'), TINY, 3, 1)).toBe(false);
    expect(statSync(file).mtimeMs).toBe(before);
    expect(await writeCheckpoint(join(dir, 'pool', 'expert-1'), TINY, 4, 1)).toBe(true);
  });
});

describe('gen-vitb32 writeClipModel', () => {
  const TEXT: ClipTextConfig = { ...VIT_B_32_TEXT, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32, projectionDim: 8, vocabSize: 2000, contextLength: 20 };

  it('writes a full CLIPModel: the vision tower of the same seed, a text tower the engine opens, tokenizer files', async () => {
    expect(await writeClipModel(join(dir, 'clip'), TINY, TEXT, 5)).toBe(true);
    await writeCheckpoint(join(dir, 'vision'), TINY, 5, 0);
    const [clip, vision] = await Promise.all([openCheckpointPath(join(dir, 'clip')), openCheckpointPath(join(dir, 'vision'))]);
    expect(clip.layout).toBe('CLIPModel (vision part)');
    const q = 'vision_model.encoder.layers.1.self_attn.q_proj.weight';
    expect(await clip.readParam(q)).toEqual(await vision.readParam(q));
    const text = await openTextModelPath(join(dir, 'clip'));
    expect(text.config).toEqual(TEXT);
    expect(text.logitScale).toBeCloseTo(100, 3);
    expect([text.tokenizer.bosId, text.tokenizer.eosId]).toEqual([1998, 1999]);
    const ids = text.tokenizer.encode('a photo of a cat.');
    expect(ids.length).toBeGreaterThan(4);
    expect(ids.length).toBeLessThan(12); // letters merge into words
    const { textEmbeds } = await text.embed([ids]);
    expect(textEmbeds.every(Number.isFinite)).toBe(true);
    text.dispose();
    expect(await writeClipModel(join(dir, 'clip'), TINY, TEXT, 5)).toBe(false);
  });

  it('the synthetic vocabulary has the real size with the special tokens at 49406 and 49407', () => {
    const files = syntheticTokenizer(49408, 77);
    const vocab = JSON.parse(files['vocab.json']) as Record<string, number>;
    expect(Object.keys(vocab).length).toBe(49408);
    expect([vocab['<|startoftext|>'], vocab['<|endoftext|>'], vocab['!'], vocab['!</w>']]).toEqual([49406, 49407, 0, 256]);
    expect(files['merges.txt'].trim().split('\n').length).toBe(1 + 49408 - 514);
  });
});

