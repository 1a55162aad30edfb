/**
 * The text tower against goldens of an independent float64 PyTorch forward pass: text-a (Hugging
 * Face CLIPModel, F32), and the variants of scripts/make-text-variants.py (open_clip names and
 * config stored F16; no "text_model." prefix, BF16, eos_token_id 6 with the end token not the
 * largest id). Also sharded weights, batching, and every hostile folder with its error.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CheckpointError, CheckpointMismatchError } from '../../errors';
import { memorySink, openSafetensors, readAll, writeSafetensors, type TensorSpec } from '../../io/safetensors';
import { memorySource } from '../../io/byte-source';
import { TokenizerError } from '../../text/errors';
import { op, pickle, storedZip } from '../../testing/pickle-craft';
import { fixturePath } from '../../testing/fixtures.node';
import { poolIndex } from './forward';
import { folderFiles } from './folder.node';
import { openTextModel } from './open-text-model';

const TEXT_A = fixturePath('text-a', 'model');
const VARIANTS = fixturePath('text-variants');
const tokens = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { prompts: string[]; input_ids: number[][] };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Opens a folder, checks the ids exactly and both outputs to 1e-4 against a golden folder. */
async function checkGolden(files: ReturnType<typeof folderFiles>, goldenDir: string) {
  const model = await openTextModel('model', files);
  try {
    const tok = tokens(`${goldenDir}/tokens.json`);
    const ids = tok.prompts.map((p) => model.tokenizer.encode(p));
    expect(ids).toEqual(tok.input_ids);
    const golden = readAll(await openSafetensors(memorySource(new Uint8Array(readFileSync(`${goldenDir}/text-golden.safetensors`)))));
    const { textEmbeds, pooled } = await model.embed(ids);
    const g = await golden;
    expect(maxDiff(textEmbeds, g.get('text_embeds')!.values as Float32Array)).toBeLessThan(1e-4);
    expect(maxDiff(pooled, g.get('pooler_output')!.values as Float32Array)).toBeLessThan(1e-4);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

describe('openTextModel: goldens', () => {
  it('text-a (CLIPModel, F32): config, logit scale, ids exact, text_embeds and pooler_output to 1e-4', async () => {
    const model = await checkGolden(folderFiles(TEXT_A), fixturePath('text-a'));
    expect(model.config).toEqual({ hiddenSize: 32, layers: 2, heads: 4, intermediateSize: 64, projectionDim: 16, eosTokenId: 2, contextLength: 77, act: 'quick_gelu', layerNormEps: 1e-5, vocabSize: 740 });
    expect(model.logitScale).toBeCloseTo(100, 3); // exp of the 0-d logit_scale ln 100
    // One prompt at a time gives the batch's rows: padding never reaches the pooled position.
    const tok = tokens(fixturePath('text-a', 'tokens.json'));
    const all = await model.embed(tok.input_ids);
    const one = await model.embed([tok.input_ids[3]]);
    expect(maxDiff(one.textEmbeds, all.textEmbeds.subarray(3 * 16, 4 * 16))).toBeLessThan(1e-6);
    model.dispose();
  });

  it('open_clip layout and config, stored F16: the golden of the rounded weights', async () => {
    const model = await checkGolden(folderFiles(`${VARIANTS}/open-clip-f16`), `${VARIANTS}/open-clip-f16-golden`);
    expect(model.config.eosTokenId).toBe(2); // open_clip pools at the largest id
    expect(model.tokenizer.source).toBe('vocab.json + merges.txt');
    expect(model.logitScale).toBeCloseTo(Math.exp(4.6055), 1); // ln 100 rounded to F16
    model.dispose();
  });

  it('no "text_model." prefix, BF16, eos_token_id 6: pooled at the first end token, not at the largest id', async () => {
    const golden = `${VARIANTS}/hf-bf16-eos-golden`;
    const model = await checkGolden(folderFiles(`${VARIANTS}/hf-bf16-eos`), golden);
    expect([model.config.eosTokenId, model.tokenizer.eosId, model.tokenizer.bosId, model.config.contextLength]).toEqual([6, 6, 5, 32]);
    expect(model.logitScale).toBeNull();
    // The two rules disagree on these prompts, so the golden match above says which one ran.
    const ids = tokens(`${golden}/tokens.json`).input_ids[0];
    expect(poolIndex(ids, 6)).toBe(ids.length - 1);
    expect(poolIndex(ids, 2)).not.toBe(ids.length - 1);
    model.dispose();
  });

  it('sharded safetensors with an index: the same outputs as text-a', async () => {
    const all = await readAll(await openSafetensors(memorySource(new Uint8Array(readFileSync(`${TEXT_A}/model.safetensors`)))));
    const names = [...all.keys()];
    const shard = async (part: string[]) => {
      const sink = memorySink();
      const specs: TensorSpec[] = part.map((n) => ({ name: n, dtype: all.get(n)!.dtype as TensorSpec['dtype'], shape: all.get(n)!.shape }));
      await writeSafetensors(sink, specs, (s) => all.get(s.name)!.values);
      return sink.bytes();
    };
    const half = Math.floor(names.length / 2);
    const weightMap = Object.fromEntries(names.map((n, i) => [n, i < half ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors']));
    const files = folderFiles(TEXT_A, {
      drop: ['model.safetensors'],
      replace: {
        'model-00001-of-00002.safetensors': await shard(names.slice(0, half)),
        'model-00002-of-00002.safetensors': await shard(names.slice(half)),
        'model.safetensors.index.json': JSON.stringify({ metadata: {}, weight_map: weightMap }),
      },
    });
    (await checkGolden(files, fixturePath('text-a'))).dispose();
  });
});

/** A torch.save zip of {prefix + name: float tensor} for every float tensor of text-a's weights. */
async function textAPickle(prefix: string): Promise<Uint8Array> {
  const all = await readAll(await openSafetensors(memorySource(new Uint8Array(readFileSync(`${TEXT_A}/model.safetensors`)))));
  const floats = [...all].filter(([, t]) => t.dtype === 'F32');
  const entries: Record<string, Uint8Array> = { 'archive/byteorder': new TextEncoder().encode('little') };
  const items: number[][] = [];
  floats.forEach(([name, t], i) => {
    const stride = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    items.push(
      op.str(prefix + name), op.global('torch._utils', '_rebuild_tensor_v2'), op.mark,
      op.mark, op.str('storage'), op.global('torch', 'FloatStorage'), op.str(String(i)), op.str('cpu'), op.int(t.values.length), op.tuple, op.binpersid,
      op.int(0), op.mark, ...t.shape.map(op.int), op.tuple, op.mark, ...stride.map(op.int), op.tuple, op.newfalse,
      op.global('collections', 'OrderedDict'), op.emptyTuple, op.reduce, op.tuple, op.reduce,
    );
    entries[`archive/data/${i}`] = new Uint8Array((t.values as Float32Array).slice().buffer);
  });
  entries['archive/data.pkl'] = pickle(op.proto(2), op.emptyDict, op.mark, ...items, op.setitems, op.stop);
  return storedZip(entries);
}

describe('openTextModel: PyTorch pickles', () => {
  it('pytorch_model.bin whose state dict sits under "module.": the text-a golden', async () => {
    const files = folderFiles(TEXT_A, { drop: ['model.safetensors'], replace: { 'pytorch_model.bin': await textAPickle('module.') } });
    (await checkGolden(files, fixturePath('text-a'))).dispose();
  });
});

/** text-a's weights with `drop` removed. */
async function withoutTensors(drop: string[]): Promise<Uint8Array> {
  const all = await readAll(await openSafetensors(memorySource(new Uint8Array(readFileSync(`${TEXT_A}/model.safetensors`)))));
  const keep = [...all.keys()].filter((n) => !drop.includes(n));
  const sink = memorySink();
  await writeSafetensors(sink, keep.map((n) => ({ name: n, dtype: all.get(n)!.dtype as TensorSpec['dtype'], shape: all.get(n)!.shape })), (s) => all.get(s.name)!.values);
  return sink.bytes();
}

describe('openTextModel: hostile folders', () => {
  it('no tokenizer files: a TokenizerError naming the files needed', async () => {
    const files = folderFiles(TEXT_A, { drop: ['tokenizer.json', 'vocab.json', 'merges.txt'] });
    const e = await openTextModel('model', files).catch((x) => x);
    expect(e).toBeInstanceOf(TokenizerError);
    expect(e.message).toMatch(/tokenizer\.json/);
    expect(e.message).toMatch(/vocab\.json/);
    expect(e.message).toMatch(/merges\.txt/);
  });

  it('missing text tensors: every one listed at once', async () => {
    const files = folderFiles(TEXT_A, { replace: { 'model.safetensors': await withoutTensors(['text_projection.weight', 'text_model.encoder.layers.1.mlp.fc1.bias']) } });
    const e = await openTextModel('model', files).catch((x) => x);
    expect(e).toBeInstanceOf(CheckpointMismatchError);
    expect(e.problems).toEqual([
      'missing tensor "text_model.encoder.layers.1.mlp.fc1.bias", expected shape [64]',
      'missing tensor "text_projection.weight", expected shape [16, 32]',
    ]);
  });

  it('a vision-only folder has no text tower', async () => {
    const e = await openTextModel('tiny-a', folderFiles(fixturePath('tiny-a'))).catch((x) => x);
    expect(e).toBeInstanceOf(CheckpointError);
    expect(e.message).toMatch(/has no text tower/);
  });

  it('no config.json, or one whose eos_token_id is not the tokenizer\'s end token', async () => {
    const noConfig = await openTextModel('model', folderFiles(TEXT_A, { drop: ['config.json'] })).catch((x) => x);
    expect(noConfig).toBeInstanceOf(CheckpointError);
    expect(noConfig.message).toMatch(/has no config\.json/);
    const config = JSON.parse(readFileSync(`${TEXT_A}/config.json`, 'utf8'));
    config.text_config.eos_token_id = 7;
    const badEos = await openTextModel('model', folderFiles(TEXT_A, { replace: { 'config.json': JSON.stringify(config) } })).catch((x) => x);
    expect(badEos).toBeInstanceOf(CheckpointError);
    expect(badEos.message).toMatch(/eos_token_id 7, but the tokenizer's end token has id 739/);
  });

  it('a config whose width does not match the weights: the wrong shapes listed', async () => {
    const config = JSON.parse(readFileSync(`${TEXT_A}/config.json`, 'utf8'));
    config.text_config.intermediate_size = 48;
    const e = await openTextModel('model', folderFiles(TEXT_A, { replace: { 'config.json': JSON.stringify(config) } })).catch((x) => x);
    expect(e).toBeInstanceOf(CheckpointMismatchError);
    expect(e.problems).toContain('tensor "text_model.encoder.layers.0.mlp.fc1.weight" has shape [64, 32], expected [48, 32]');
  });
});

it('poolIndex: argmax (first of equals) for the legacy id 2, else the first end token', () => {
  expect(poolIndex([9, 3, 9, 1], 2)).toBe(0);
  expect(poolIndex([1, 3, 7, 5, 7], 2)).toBe(2);
  expect(poolIndex([1, 3, 7, 5, 7], 5)).toBe(3);
  expect(poolIndex([1, 3], 5)).toBe(0);
});


