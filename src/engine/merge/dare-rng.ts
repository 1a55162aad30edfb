/**
 * DARE's randomness: one seeded stream per (seed, task, tensor), so every pass over the inputs
 * (TIES scans, then the merge) draws the same drop mask, and a mask does not depend on which other
 * tensors or tasks are in the pool. Also which tensors count as linear-layer weights.
 */

/** murmur3's 32-bit finaliser: a well-mixed 32-bit hash of a 32-bit integer. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The createRng seed of the stream of (seed, task, tensor). */
export function dareSeed(seed: number, task: number, tensor: number): number {
  return fmix32(fmix32(fmix32(seed >>> 0) ^ (task + 1)) ^ (tensor + 1));
}

/** Weight matrices of linear layers: attention q/k/v/out projections, MLP fc1/fc2, visual_projection. */
export function isLinearWeight(name: string): boolean {
  return /\.(q_proj|k_proj|v_proj|out_proj|fc1|fc2)\.weight$/.test(name) || name === 'visual_projection.weight';
}
