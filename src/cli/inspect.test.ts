// `mergelab inspect` in-process: JSON on the output stream for a fixture folder, an open_clip file,
// and a failure (still JSON, with every problem, exit 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MergelabError } from '../engine/errors';
import { loadFixtureTensors, fixturePath } from '../engine/testing/fixtures.node';
import { safetensorsFile, toOpenClip } from '../engine/model/clip-vit/variants.node';
import { run } from './inspect';

async function inspect(...args: string[]) {
  let out = '';
  let err = '';
  const code = await run(args, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, json: out ? JSON.parse(out) : null, err };
}

describe('mergelab inspect', () => {
  it('prints the summary and every canonical tensor of a fixture folder', async () => {
    const { code, json, err } = await inspect(fixturePath('tiny-b'));
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(json).toMatchObject({ ok: true, name: 'tiny-b', format: 'hf', configSource: 'config.json', paramCount: 412_992, tensorCount: 56, dtypes: { F16: 56 }, problems: [] });
    expect(json.config).toMatchObject({ hiddenSize: 96, numHeads: 3, hiddenAct: 'gelu', projectionDim: 24 });
    expect(json.tensors).toHaveLength(56);
    expect(json.tensors[1]).toEqual({ name: 'vision_model.embeddings.patch_embedding.weight', shape: [96, 3, 16, 16], dtype: 'F16' });
  });

  it('shows where open_clip tensors are stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mergelab-inspect-'));
    try {
      const src = await safetensorsFile('oc.safetensors', toOpenClip(await loadFixtureTensors('tiny-a', 'model.safetensors'), 'visual.', 2));
      writeFileSync(join(dir, 'oc.safetensors'), await src.read(0, src.size));
      const { code, json } = await inspect(join(dir, 'oc.safetensors'));
      expect(code).toBe(0);
      expect(json.format).toBe('open_clip');
      const k = json.tensors.find((t: { name: string }) => t.name === 'vision_model.encoder.layers.1.self_attn.k_proj.weight');
      expect(k).toEqual({ name: 'vision_model.encoder.layers.1.self_attn.k_proj.weight', shape: [64, 64], dtype: 'F32', stored: 'visual.transformer.resblocks.1.attn.in_proj_weight (rows 2 of 3)' });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('still prints JSON with the error and every problem when recognition fails, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mergelab-inspect-'));
    try {
      const t = await loadFixtureTensors('tiny-a', 'model.safetensors');
      t.delete('vision_model.post_layernorm.bias');
      t.delete('vision_model.encoder.layers.0.mlp.fc2.bias');
      const src = await safetensorsFile('model.safetensors', t);
      writeFileSync(join(dir, 'model.safetensors'), await src.read(0, src.size));
      const { code, json, err } = await inspect(dir);
      expect(code).toBe(1);
      expect(json.ok).toBe(false);
      expect(json.error.code).toBe('mismatch');
      expect(json.problems).toHaveLength(2);
      expect(json.problems.join()).toMatch(/missing tensor "vision_model\.encoder\.layers\.0\.mlp\.fc2\.bias".*missing tensor "vision_model\.post_layernorm\.bias"/);
      expect(err).toMatch(/hint: /);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('usage errors are typed "usage" (exit 2 via main)', async () => {
    await expect(run([])).rejects.toSatisfy((e: unknown) => e instanceof MergelabError && e.code === 'usage');
    await expect(run(['a', 'b'])).rejects.toThrow(/expected one path/);
  });
});
