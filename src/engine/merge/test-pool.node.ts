/**
 * Test helpers: tiny synthetic model pools written as real HF folders in memory (config.json +
 * model.safetensors) and opened with the real checkpoint recogniser, and the merge fixtures.
 */
import { memorySource } from '../io/byte-source';
import { openCheckpointPath } from '../model/clip-vit/open-checkpoint-path.node.js';
import { memorySink, numel, writeSafetensors } from '../io/safetensors';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { toHfConfigJson, type ClipVisionConfig } from '../model/clip-vit/config';
import { canonicalParams } from '../model/clip-vit/names';
import { openCheckpoint } from '../model/clip-vit/open-checkpoint';
import { createRng } from '../random';
import { fixturePath } from '../testing/fixtures.node.js';

/** A 1-layer tower: 26 tensors, 1,500-odd values. */
export const TINY: ClipVisionConfig = {
  hiddenSize: 8, intermediateSize: 16, numLayers: 1, numHeads: 2, imageSize: 8, patchSize: 4,
  numChannels: 3, projectionDim: 4, hiddenAct: 'quick_gelu', layerNormEps: 1e-5,
};

export type Weights = Map<string, Float32Array>;

/** Opens weights as a checkpoint through the real writer and recogniser. */
export async function checkpointFrom(name: string, weights: Weights, config: ClipVisionConfig = TINY): Promise<Checkpoint> {
  const sink = memorySink();
  const specs = [...weights].map(([n, v]) => ({ name: n, dtype: 'F32' as const, shape: canonicalParams(config).find((p) => p.name === n)!.shape, v }));
  await writeSafetensors(sink, specs, (s) => specs.find((x) => x.name === s.name)!.v);
  const cfg = new TextEncoder().encode(JSON.stringify(toHfConfigJson(config)));
  return openCheckpoint(name, [memorySource(sink.bytes(), `${name}/model.safetensors`), memorySource(cfg, `${name}/config.json`)]);
}

/** Random weights N(0, scale²) for every canonical tensor of `config`. */
export function randomWeights(seed: number, scale = 0.1, config: ClipVisionConfig = TINY): Weights {
  const rng = createRng(seed);
  return new Map(canonicalParams(config).map((p) => [p.name, Float32Array.from({ length: numel(p.shape) }, () => rng.normal() * scale)]));
}

/** base + delta, tensor by tensor (float32). */
export function addWeights(base: Weights, delta: Weights): Weights {
  return new Map([...base].map(([n, v]) => [n, v.map((x, i) => x + delta.get(n)![i])]));
}

/** A pretrained model and T experts = pretrained + random deltas of scale 0.02·(t+1). */
export async function syntheticPool(tasks: number, seed = 1): Promise<{ pretrained: Checkpoint; experts: Checkpoint[]; weights: Weights[] }> {
  const base = randomWeights(seed);
  const weights = Array.from({ length: tasks }, (_, t) => addWeights(base, randomWeights(seed * 100 + t, 0.02 * (t + 1))));
  return {
    pretrained: await checkpointFrom('pretrained', base),
    experts: await Promise.all(weights.map((w, t) => checkpointFrom(`expert-${t}`, w))),
    weights: [base, ...weights],
  };
}

/** The merge fixture family: pretrained tiny-a and experts merge/task-0..3. */
export async function fixturePool(): Promise<{ pretrained: Checkpoint; experts: Checkpoint[] }> {
  return {
    pretrained: await openCheckpointPath(fixturePath('tiny-a')),
    experts: await Promise.all([0, 1, 2, 3].map((t) => openCheckpointPath(fixturePath('merge', `task-${t}`)))),
  };
}

/** Every tensor of a checkpoint, by canonical name. */
export async function readWeights(ck: Checkpoint): Promise<Weights> {
  const out: Weights = new Map();
  for (const p of ck.params) out.set(p.name, await ck.readParam(p.name));
  return out;
}

/** Largest |a − b| over all tensors (names must match). */
export function maxAbsDiff(a: Weights, b: Weights): number {
  let m = 0;
  for (const [n, v] of a) {
    const w = b.get(n);
    if (!w || w.length !== v.length) throw new Error(`tensor ${n} missing or mis-sized`);
    for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i] - w[i]));
  }
  if (a.size !== b.size) throw new Error(`${a.size} vs ${b.size} tensors`);
  return m;
}

/**
 * An independent dense TIES (dis-mean, λ 1) written the way the reference does it, with the trim
 * threshold over the whole model (global) or per tensor: only the global one matches the golden.
 */
export function denseTies(base: Weights, experts: Weights[], k: number, scope: 'global' | 'tensor'): Weights {
  const names = [...base.keys()];
  const tau = experts.map((e) => new Map(names.map((n) => [n, e.get(n)!.map((x, i) => x - base.get(n)![i])])));
  const kth = (vals: Float32Array[]) => {
    const all = vals.flatMap((v) => Array.from(v, Math.abs)).sort((a, b) => a - b);
    return all[all.length - Math.floor((all.length * k) / 100) - 1]; // the reference's kthvalue(d − ⌊d·k⌋)
  };
  const thr = tau.map((t) => {
    const global = scope === 'global' ? kth([...t.values()]) : 0;
    return new Map(names.map((n) => [n, scope === 'global' ? global : kth([t.get(n)!])]));
  });
  const trimmed = tau.map((t, j) => new Map(names.map((n) => [n, t.get(n)!.map((x) => (Math.abs(x) >= thr[j].get(n)! ? x : 0))])));
  const sums = new Map(names.map((n) => [n, base.get(n)!.map((_, i) => trimmed.reduce((a, t) => a + t.get(n)![i], 0))]));
  const total = [...sums.values()].reduce((a, v) => a + v.reduce((b, x) => b + Math.sign(x), 0), 0);
  return new Map(names.map((n) => [n, base.get(n)!.map((b, i) => {
    const s = Math.sign(sums.get(n)![i]) || Math.sign(total);
    const agree = trimmed.map((t) => t.get(n)![i]).filter((x) => (s > 0 ? x > 0 : x < 0));
    return b + (agree.length ? agree.reduce((a, x) => a + x, 0) / agree.length : 0);
  })]));
}
