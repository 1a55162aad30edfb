import { describe, expect, it } from 'vitest';
import { dareSeed, isLinearWeight } from './dare-rng';

/** murmur3's fmix32 written again in BigInt arithmetic (no Math.imul, no >>> tricks): an independent reference. */
function fmix32Ref(x: bigint): bigint {
  const M = 1n << 32n;
  let h = ((x % M) + M) % M;
  h ^= h >> 16n;
  h = (h * 0x85ebca6bn) % M;
  h ^= h >> 13n;
  h = (h * 0xc2b2ae35n) % M;
  return h ^ (h >> 16n);
}

/** The stream of (seed, task, tensor) as DARE's drop masks need it: fmix(fmix(fmix(seed) ⊕ (task + 1)) ⊕ (tensor + 1)). */
const seedRef = (seed: number, task: number, tensor: number) =>
  Number(fmix32Ref(fmix32Ref(fmix32Ref(BigInt(seed)) ^ BigInt(task + 1)) ^ BigInt(tensor + 1)));

describe('dareSeed', () => {
  it('is murmur3 fmix32 chained over seed, task + 1 and tensor + 1 (checked against a BigInt reference)', () => {
    // fmix32's published values: 0 ↦ 0 (a fixed point, hence the + 1 on task and tensor) and 1 ↦ 0x514e28b7.
    expect(fmix32Ref(0n)).toBe(0n);
    expect(fmix32Ref(1n)).toBe(0x514e28b7n);
    for (const [seed, task, tensor] of [[0, 0, 0], [1, 0, 0], [42, 0, 1], [42, 1, 0], [7, 3, 199], [0xffffffff, 2, 5]]) {
      expect(dareSeed(seed, task, tensor), `(${seed}, ${task}, ${tensor})`).toBe(seedRef(seed, task, tensor));
    }
  });

  it('gives distinct streams to the first tasks and tensors, and a 32-bit unsigned seed', () => {
    const seen = new Set<number>();
    for (let task = 0; task < 4; task++) for (let tensor = 0; tensor < 50; tensor++) {
      const s = dareSeed(0, task, tensor);
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 32).toBe(true);
      seen.add(s);
    }
    expect(seen.size).toBe(200);
  });
});

describe('isLinearWeight', () => {
  it('takes the weight matrices of attention projections, MLP layers and visual_projection, nothing else', () => {
    const yes = ['vision_model.encoder.layers.0.self_attn.q_proj.weight', 'vision_model.encoder.layers.11.self_attn.out_proj.weight',
      'vision_model.encoder.layers.3.mlp.fc1.weight', 'vision_model.encoder.layers.3.mlp.fc2.weight', 'visual_projection.weight'];
    const no = ['vision_model.encoder.layers.0.self_attn.q_proj.bias', 'vision_model.encoder.layers.3.mlp.fc1.weight_orig',
      'vision_model.encoder.layers.3.mlp.fc2.weight.scale', 'vision_model.embeddings.patch_embedding.weight',
      'vision_model.post_layernorm.weight', 'x.visual_projection.weight', 'vision_model.encoder.layers.0.self_attn.q_projweight'];
    for (const n of yes) expect(isLinearWeight(n), n).toBe(true);
    for (const n of no) expect(isLinearWeight(n), n).toBe(false);
  });
});
