// Pool validation: the merge family shares tiny-a's architecture; a different architecture, a
// narrower MLP and projection mismatches are each reported, every problem at once.
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckpointMismatchError } from '../../errors';
import { nodeFileSource } from '../../io/node-source.node';
import { fixturePath, loadFixtureTensors } from '../../testing/fixtures.node';
import type { Checkpoint } from './checkpoint';
import { assertPool, checkPool } from './pool';
import { openCheckpoint } from './open-checkpoint';
import { type Tensors, jsonFile, safetensorsFile } from './variants.node';

const open = async (...dir: string[]) =>
  openCheckpoint(dir[dir.length - 1], await Promise.all(['config.json', 'model.safetensors'].map((f) => nodeFileSource(fixturePath(...dir, f)))));

let tinyA: Checkpoint;
let tensorsA: Tensors;
let tasks: Checkpoint[];
beforeAll(async () => {
  tinyA = await open('tiny-a');
  tensorsA = await loadFixtureTensors('tiny-a', 'model.safetensors');
  tasks = await Promise.all([0, 1, 2, 3].map((i) => open('merge', `task-${i}`)));
});

/** tiny-a's tensors as a new checkpoint (config inferred), optionally edited. */
async function variant(name: string, edit: (t: Tensors) => void, config?: object): Promise<Checkpoint> {
  const t = new Map(tensorsA);
  edit(t);
  return openCheckpoint(name, [await safetensorsFile('model.safetensors', t), ...(config ? [jsonFile('config.json', config)] : [])]);
}
const noProjection = (t: Tensors) => t.delete('visual_projection.weight');
const tinyAConfig = { hidden_size: 64, intermediate_size: 256, num_attention_heads: 4, num_hidden_layers: 2, image_size: 32, patch_size: 8, projection_dim: 32, hidden_act: 'quick_gelu' };

describe('checkPool', () => {
  it('accepts the merge family (same architecture as tiny-a)', () => {
    expect(checkPool(tinyA, tasks)).toEqual({ ok: true, problems: [], notes: [] });
    expect(() => assertPool(tinyA, tasks)).not.toThrow();
  });

  it('lists every config field and tensor of an expert with another architecture', async () => {
    const tinyB = await open('tiny-b');
    const { ok, problems } = checkPool(tinyA, [tasks[0], tinyB]);
    expect(ok).toBe(false);
    expect(problems.every((p) => p.startsWith('expert "tiny-b": '))).toBe(true);
    for (const p of [
      'hidden_size is 96, pretrained has 64', 'num_hidden_layers is 3, pretrained has 2', 'num_attention_heads is 3, pretrained has 4',
      'hidden_act is gelu, pretrained has quick_gelu', 'projection_dim is 24, pretrained has 32',
      'vision_model.encoder.layers.0.mlp.fc1.weight has shape [384,96], pretrained has [256,64]',
      'vision_model.encoder.layers.2.mlp.fc1.weight is not in the pretrained model',
    ]) expect(problems).toContain(`expert "tiny-b": ${p}`);
    // 8 config fields + 40 shared tensors of other shapes + 16 tensors of the extra layer
    expect(problems).toHaveLength(8 + 40 + 16);
  });

  it('an expert with a narrower MLP: the field and each of its 8 tensors', async () => {
    const narrow = await variant('narrow', (t) => {
      for (const i of [0, 1]) {
        const l = `vision_model.encoder.layers.${i}.mlp.`;
        t.set(`${l}fc1.weight`, { dtype: 'F32', shape: [128, 64], values: new Float32Array(128 * 64) });
        t.set(`${l}fc1.bias`, { dtype: 'F32', shape: [128], values: new Float32Array(128) });
        t.set(`${l}fc2.weight`, { dtype: 'F32', shape: [64, 128], values: new Float32Array(128 * 64) });
      }
    }, { ...tinyAConfig, intermediate_size: 128 });
    const { problems } = checkPool(tinyA, [...tasks, narrow]);
    expect(problems).toEqual([
      'expert "narrow": intermediate_size is 128, pretrained has 256',
      ...[0, 1].flatMap((i) => [
        `expert "narrow": vision_model.encoder.layers.${i}.mlp.fc1.weight has shape [128,64], pretrained has [256,64]`,
        `expert "narrow": vision_model.encoder.layers.${i}.mlp.fc1.bias has shape [128], pretrained has [256]`,
        `expert "narrow": vision_model.encoder.layers.${i}.mlp.fc2.weight has shape [64,128], pretrained has [64,256]`,
      ]),
    ]);
    const e = (() => { try { assertPool(tinyA, [narrow]); } catch (x) { return x; } })();
    expect(e).toBeInstanceOf(CheckpointMismatchError);
    expect((e as CheckpointMismatchError).problems).toEqual(problems);
    expect((e as Error).message).toMatch(/pretrained "tiny-a", 1 expert\): 7 problems/);
  });

  it('experts without a projection are allowed (FusionBench); mixed presence is not', async () => {
    const bare1 = await variant('bare1', noProjection, tinyAConfig);
    const bare2 = await variant('bare2', noProjection, tinyAConfig);
    const fusion = checkPool(tinyA, [bare1, bare2]);
    expect(fusion.ok).toBe(true);
    expect(fusion.notes.join()).toMatch(/FusionBench/);
    const mixed = checkPool(tinyA, [bare1, tasks[0]]);
    expect(mixed.problems).toEqual([`experts disagree on visual_projection.weight: "task-0" has one, "bare1" has none; give every expert a projection or none.`]);
    const noPre = checkPool(bare1, [tasks[0], bare2]);
    expect(noPre.problems).toContain('expert "task-0" has visual_projection.weight but pretrained "bare1" has none.');
  });
});
