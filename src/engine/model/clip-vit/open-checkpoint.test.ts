// Checkpoint recognition: both fixtures (config.json and shapes alone), every supported layout built
// from tiny-a's tensors (values must come back exactly), sharded files, and every error path.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, CheckpointMismatchError, MergelabError } from '../../errors';
import { memorySource, type ByteSource } from '../../io/byte-source';
import { nodeFileSource } from '../../io/node-source.node';
import { fixturePath, loadFixtureTensors } from '../../testing/fixtures.node';
import type { Checkpoint } from './checkpoint';
import { openCheckpoint } from './open-checkpoint';
import { PickleError } from '../../io/pickle/errors';
import { type Tensors, asFullClipModel, jsonFile, safetensorsFile, toOpenClip, withoutPrefix } from './variants.node';

const fixtureJson = (name: string) => JSON.parse(readFileSync(fixturePath(name, 'config.json'), 'utf8'));
const fixtureFiles = async (name: string, withConfig = true) =>
  [...(withConfig ? ['config.json'] : []), 'model.safetensors'].map((f) => nodeFileSource(fixturePath(name, f)));

let tinyA: Tensors;
let tinyB: Tensors;
beforeAll(async () => {
  tinyA = await loadFixtureTensors('tiny-a', 'model.safetensors');
  tinyB = await loadFixtureTensors('tiny-b', 'model.safetensors');
});

/** Every canonical parameter reads back exactly as the HF fixture stores it. */
async function expectValues(ck: Checkpoint, reference: Tensors) {
  expect(ck.params.map((p) => p.name).sort()).toEqual([...reference.keys()].sort());
  for (const p of ck.params) {
    const ref = reference.get(p.name)!;
    expect(p.shape, p.name).toEqual(ref.shape);
    const got = await ck.readParam(p.name);
    expect(got).toBeInstanceOf(Float32Array);
    expect(firstDifference(got, ref.values), p.name).toBe(-1);
  }
}

/** Index of the first element that differs (bit-exact, -1 when none); fast where toEqual is slow. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const errorOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a rejection'); }, (e: unknown) => e as MergelabError);

describe('fixtures', () => {
  it.each(['tiny-a', 'tiny-b'])('%s is recognised with the config of its config.json', async (name) => {
    const j = fixtureJson(name);
    const ck = await openCheckpoint(name, await Promise.all(await fixtureFiles(name)));
    expect(ck.format).toBe('hf');
    expect(ck.layout).toBe('CLIPVisionModelWithProjection');
    expect(ck.configSource).toBe('config.json');
    expect(ck.config).toEqual({
      hiddenSize: j.hidden_size, intermediateSize: j.intermediate_size, numLayers: j.num_hidden_layers, numHeads: j.num_attention_heads,
      imageSize: j.image_size, patchSize: j.patch_size, numChannels: j.num_channels, projectionDim: j.projection_dim,
      hiddenAct: j.hidden_act, layerNormEps: j.layer_norm_eps,
    });
    const dtype = name === 'tiny-a' ? 'F32' : 'F16';
    expect(ck.dtypes).toEqual({ [dtype]: 16 * j.num_hidden_layers + 8 });
    expect(ck.fileBytes).toBe(readFileSync(fixturePath(name, 'model.safetensors')).byteLength);
    await expectValues(ck, name === 'tiny-a' ? tinyA : tinyB);
  });

  it.each(['tiny-a', 'tiny-b'])('%s without config.json: the config is inferred from shapes, with notes on heads and activation', async (name) => {
    const j = fixtureJson(name);
    const ck = await openCheckpoint(name, await Promise.all(await fixtureFiles(name, false)));
    expect(ck.configSource).toBe('inferred from shapes');
    const { numHeads, hiddenAct, ...rest } = ck.config;
    expect(rest).toEqual({
      hiddenSize: j.hidden_size, intermediateSize: j.intermediate_size, numLayers: j.num_hidden_layers,
      imageSize: j.image_size, patchSize: j.patch_size, numChannels: j.num_channels, projectionDim: j.projection_dim, layerNormEps: 1e-5,
    });
    expect(hiddenAct).toBe('quick_gelu');
    expect(j.hidden_size % numHeads).toBe(0);
    expect(ck.notes.join('\n')).toMatch(/num_attention_heads cannot be read.*assumed/);
    expect(ck.notes.join('\n')).toMatch(/hidden_act cannot be read/);
  });
});

describe('layouts built from tiny-a', () => {
  const config = () => jsonFile('config.json', fixtureJson('tiny-a'));

  it('CLIPVisionModelWithProjection without the vision_model. prefix', async () => {
    const ck = await openCheckpoint('bare', [await safetensorsFile('model.safetensors', withoutPrefix(tinyA)), config()]);
    expect(ck.format).toBe('hf');
    expect(ck.notes.join()).toMatch(/no "vision_model\." prefix/);
    await expectValues(ck, tinyA);
  });

  it('full CLIPModel: text tower, logit_scale and position_ids are ignored with notes', async () => {
    const full = { ...fixtureJson('tiny-a'), model_type: 'clip', architectures: ['CLIPModel'] };
    const cfg = jsonFile('config.json', { model_type: 'clip', architectures: ['CLIPModel'], projection_dim: 32, vision_config: full, text_config: { hidden_size: 8 } });
    const ck = await openCheckpoint('full', [await safetensorsFile('model.safetensors', asFullClipModel(tinyA)), cfg]);
    expect(ck.layout).toBe('CLIPModel (vision part)');
    expect(ck.config.projectionDim).toBe(32);
    const notes = ck.notes.join('\n');
    expect(notes).toMatch(/text tower \(5 tensors/);
    expect(notes).toMatch(/vision_model\.embeddings\.position_ids.*ignored/);
    expect(ck.dtypes).toEqual({ F32: 40 });
    await expectValues(ck, tinyA);
  });

  it('CLIPVisionModel without projection (config.json still lists projection_dim)', async () => {
    const noProj = new Map(tinyA);
    noProj.delete('visual_projection.weight');
    const cfg = jsonFile('config.json', { ...fixtureJson('tiny-a'), architectures: ['CLIPVisionModel'] });
    for (const files of [[cfg], []]) {
      const ck = await openCheckpoint('noproj', [await safetensorsFile('model.safetensors', noProj), ...files]);
      expect(ck.layout).toBe('CLIPVisionModel');
      expect(ck.config.projectionDim).toBeNull();
      await expectValues(ck, noProj);
    }
  });

  it.each(['visual.', ''])('open_clip visual state dict with prefix "%s": q/k/v split and proj transposed exactly', async (prefix) => {
    const ck = await openCheckpoint('oc', [await safetensorsFile('open_clip_model.safetensors', toOpenClip(tinyA, prefix, 2))]);
    expect(ck.format).toBe('open_clip');
    expect(ck.config.projectionDim).toBe(32);
    expect(ck.config.numLayers).toBe(2);
    expect(ck.dtypes).toEqual({ F32: 4 + 2 + 12 * 2 + 2 }); // stored tensors: in_proj counts once
    await expectValues(ck, tinyA);
  });

  it('full open_clip model: the text tower outside visual.* is ignored with a note', async () => {
    const t = toOpenClip(tinyA, 'visual.', 2);
    const text = tinyA.get('vision_model.pre_layrnorm.weight')!;
    for (const n of ['token_embedding.weight', 'positional_embedding', 'transformer.resblocks.0.ln_1.weight', 'ln_final.weight', 'text_projection', 'logit_scale']) t.set(n, text);
    const ck = await openCheckpoint('oc-full', [await safetensorsFile('model.safetensors', t), jsonFile('config.json', fixtureJson('tiny-a'))]);
    expect(ck.layout).toBe('open_clip CLIP (visual part)');
    expect(ck.notes.join()).toMatch(/6 tensors outside "visual\.\*"/);
    expect(ck.config.numHeads).toBe(4);
    await expectValues(ck, tinyA);
  });

  it('sharded: two shards and an index', async () => {
    const names = [...tinyA.keys()];
    const half = Math.floor(names.length / 2);
    const shardOf = (i: number) => (i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors');
    const s1 = await safetensorsFile(shardOf(0), new Map(names.slice(0, half).map((n) => [n, tinyA.get(n)!])));
    const s2 = await safetensorsFile(shardOf(half), new Map(names.slice(half).map((n) => [n, tinyA.get(n)!])));
    const index = jsonFile('model.safetensors.index.json', { metadata: { total_size: 462848 }, weight_map: Object.fromEntries(names.map((n, i) => [n, shardOf(i)])) });
    const ck = await openCheckpoint('sharded', [index, s2, s1, config()]);
    expect(ck.fileBytes).toBe(s1.size + s2.size);
    await expectValues(ck, tinyA);
  });
});

describe('errors list every problem', () => {
  const config = () => jsonFile('config.json', fixtureJson('tiny-a'));
  const without = (...names: string[]) => new Map([...tinyA].filter(([n]) => !names.includes(n)));

  it('missing tensors: all of them, by name', async () => {
    const gone = ['vision_model.encoder.layers.0.mlp.fc1.bias', 'vision_model.encoder.layers.1.self_attn.q_proj.weight', 'vision_model.post_layernorm.bias'];
    const e = await errorOf(openCheckpoint('holes', [await safetensorsFile('model.safetensors', without(...gone)), config()]));
    expect(e).toBeInstanceOf(CheckpointMismatchError);
    const problems = (e as CheckpointMismatchError).problems;
    expect(problems).toHaveLength(3);
    gone.forEach((g, i) => expect(problems[i]).toContain(`missing tensor "${g}"`));
    expect(e.message).toContain('holes');
    expect(e.hint).toMatch(/config\.json/);
  });

  it('wrong shapes, non-float and unknown tensors, all at once', async () => {
    const t = new Map(tinyA);
    t.set('vision_model.encoder.layers.1.mlp.fc1.weight', { dtype: 'F32', shape: [128, 64], values: new Float32Array(128 * 64) });
    t.set('vision_model.pre_layrnorm.bias', { dtype: 'I32', shape: [64], values: new Int32Array(64) });
    t.set('vision_model.extra.weight', { dtype: 'F32', shape: [2], values: new Float32Array(2) });
    const e = await errorOf(openCheckpoint('bad', [await safetensorsFile('model.safetensors', t, (x) => (x.values instanceof Int32Array ? 'I32' : 'F32')), config()]));
    const problems = (e as CheckpointMismatchError).problems;
    expect(problems).toEqual([
      'tensor "vision_model.pre_layrnorm.bias" is stored as I32, expected floats (F32, F16 or BF16)',
      'tensor "vision_model.encoder.layers.1.mlp.fc1.weight" has shape [128, 64], expected [256, 64]',
      'unexpected tensor "vision_model.extra.weight" (not part of a CLIP vision tower with this config)',
    ]);
  });

  it('config.json disagreeing with the shapes', async () => {
    const cfg = jsonFile('config.json', { ...fixtureJson('tiny-a'), intermediate_size: 128, num_hidden_layers: 3 });
    const e = await errorOf(openCheckpoint('cfg', [await safetensorsFile('model.safetensors', tinyA), cfg]));
    const problems = (e as CheckpointMismatchError).problems;
    expect(problems.filter((p) => /mlp\.fc1\.(weight|bias)" has shape \[256/.test(p))).toHaveLength(4); // 2 layers × fc1 weight/bias
    expect(problems.filter((p) => p.startsWith('missing tensor "vision_model.encoder.layers.2.'))).toHaveLength(16);
    expect(e.message).toMatch(/config from config\.json/);
  });

  it('open_clip problems name the stored tensors', async () => {
    const t = toOpenClip(tinyA, 'visual.', 2);
    t.delete('visual.transformer.resblocks.1.attn.in_proj_weight');
    const e = await errorOf(openCheckpoint('oc', [await safetensorsFile('m.safetensors', t), config()]));
    expect((e as CheckpointMismatchError).problems).toEqual(['missing tensor "visual.transformer.resblocks.1.attn.in_proj_weight", expected shape [192, 64]']);
  });

  it('a missing shard, and a tensor absent from its shard', async () => {
    const s1 = await safetensorsFile('a.safetensors', tinyA);
    const map = Object.fromEntries([...tinyA.keys()].map((n) => [n, 'a.safetensors']));
    const index = (wm: object) => jsonFile('model.safetensors.index.json', { metadata: {}, weight_map: wm });
    let e = await errorOf(openCheckpoint('sh', [index({ ...map, 'vision_model.post_layernorm.bias': 'b.safetensors' }), s1]));
    expect(e.message).toMatch(/not in the folder: b\.safetensors/);
    e = await errorOf(openCheckpoint('sh', [index({ ...map, 'vision_model.ghost': 'a.safetensors' }), s1]));
    expect(e.message).toMatch(/"vision_model\.ghost" \(mapped to a\.safetensors\)/);
  });

  it('a broken PyTorch .bin file is read by the safe unpickler and refused with a typed error', async () => {
    const bin = memorySource(new Uint8Array([0x80, 2, 0x8a, 0x0a]), 'pytorch_model.bin');
    const e = await errorOf(openCheckpoint('torch', [bin, config()]));
    expect(e).toBeInstanceOf(PickleError);
    expect(e.message).toMatch(/pytorch_model\.bin: .*magic number|pytorch_model\.bin: .*truncated/);
  });

  it('no weights, several unnamed weight files, not a CLIP model, a bad config.json', async () => {
    const files = (...f: ByteSource[]) => openCheckpoint('x', f);
    expect((await errorOf(files(config()))).message).toMatch(/no weights/);
    const a = await safetensorsFile('a.safetensors', tinyA);
    const b = await safetensorsFile('b.safetensors', tinyA);
    expect((await errorOf(files(a, b))).message).toMatch(/2 \.safetensors files and none is named model\.safetensors/);
    const other = await safetensorsFile('model.safetensors', new Map([['encoder.weight', tinyA.get('vision_model.pre_layrnorm.bias')!]]));
    expect((await errorOf(files(other))).message).toMatch(/not a CLIP vision checkpoint.*"encoder\.weight"/);
    const act = jsonFile('config.json', { ...fixtureJson('tiny-a'), hidden_act: 'gelu_new', num_attention_heads: 5 });
    const e = await errorOf(files(await safetensorsFile('model.safetensors', tinyA), act));
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toMatch(/"hidden_act" "gelu_new" is not supported.*not divisible by "num_attention_heads" 5/);
    const notJson = memorySource(new TextEncoder().encode('{oops'), 'config.json');
    expect((await errorOf(files(a, notJson))).message).toMatch(/config\.json: is not valid JSON/);
  });

  it('config.json omitting fields gets Hugging Face defaults, with a note', async () => {
    const { hidden_act: _a, num_channels: _c, layer_norm_eps: _e, ...partial } = fixtureJson('tiny-a');
    const ck = await openCheckpoint('partial', [await safetensorsFile('model.safetensors', tinyA), jsonFile('config.json', partial)]);
    expect(ck.config).toMatchObject({ hiddenAct: 'quick_gelu', numChannels: 3, layerNormEps: 1e-5, numHeads: 4 });
    for (const f of ['hidden_act', 'layer_norm_eps', 'num_channels']) expect(ck.notes.join()).toMatch(new RegExp(`omits .*${f}`));
  });
});
