import { describe, expect, it } from 'vitest';
import { CancelledError, CheckpointError } from '../errors';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { loadFixtureTensors } from '../testing/fixtures.node';
import { createRng } from '../random';
import { TaskVectorStats, paramGroup, taskVectorAnalytics } from './task-vectors';

/** A Checkpoint over tensors in memory (the input of the analysis, not the thing under test). */
function memoryCheckpoint(name: string, tensors: Map<string, Float32Array>): Checkpoint {
  return {
    name,
    format: 'hf',
    layout: 'test',
    config: null as never,
    configSource: 'config.json',
    params: [...tensors].map(([n, v]) => ({ name: n, shape: [v.length] })),
    fileBytes: 0,
    dtypes: {},
    notes: [],
    readParam: async (n) => tensors.get(n)!.slice(),
  };
}

const E = 'vision_model.embeddings.class_embedding';
const L0 = 'vision_model.encoder.layers.0.mlp.fc1.bias';
const P = 'visual_projection.weight';
const ckpt = (name: string, e: number[], l: number[], p: number[]) =>
  memoryCheckpoint(name, new Map([[E, Float32Array.from(e)], [L0, Float32Array.from(l)], [P, Float32Array.from(p)]]));

describe('task-vector analytics', () => {
  it('matches hand-computed norms, cosines and sign conflicts', async () => {
    // θ0 = 1 everywhere; τA = [1,0,-1,2 | 0,1 | 1,1], τB = [1,1,1,0 | 0,-1 | 0,0], τC = 0.
    const pre = ckpt('pre', [1, 1, 1, 1], [1, 1], [1, 1]);
    const a = ckpt('a', [2, 1, 0, 3], [1, 2], [2, 2]);
    const b = ckpt('b', [2, 2, 2, 1], [1, 0], [1, 1]);
    const c = ckpt('c', [1, 1, 1, 1], [1, 1], [1, 1]);
    const r = await taskVectorAnalytics(pre, [{ task: 'A', checkpoint: a }, { task: 'B', checkpoint: b }, { task: 'C', checkpoint: c }]);
    expect(r.norms).toEqual([3, 2, 0]);
    expect(r.cosine[0][1]).toBeCloseTo(-1 / 6, 12); // τA·τB = (1 − 1) + (−1) + 0 = −1
    expect(r.cosine[1][0]).toBe(r.cosine[0][1]);
    expect(r.cosine[0][0]).toBeCloseTo(1, 12);
    expect(r.cosine[2]).toEqual([0, 0, 0]);
    expect(r.notes.join('\n')).toMatch(/"C" is all zeros/);
    expect(r.signConflicts).toEqual([
      { group: 'embeddings', entries: 4, active: 2, conflicts: 1, rate: 0.25 },
      { group: 'layer.0', entries: 2, active: 1, conflicts: 1, rate: 0.5 },
      { group: 'head', entries: 2, active: 0, conflicts: 0, rate: 0 },
    ]);
    expect(r.overall).toEqual({ group: 'all', entries: 8, active: 3, conflicts: 2, rate: 0.25 });
  });

  it('groups canonical names by block', () => {
    expect(paramGroup('vision_model.pre_layrnorm.weight')).toBe('embeddings');
    expect(paramGroup('vision_model.embeddings.patch_embedding.weight')).toBe('embeddings');
    expect(paramGroup('vision_model.encoder.layers.11.self_attn.q_proj.weight')).toBe('layer.11');
    expect(paramGroup('vision_model.post_layernorm.bias')).toBe('head');
    expect(paramGroup('visual_projection.weight')).toBe('head');
  });

  it('on the merge fixtures equals a direct computation over the flattened task vectors', async () => {
    const pre = await loadFixtureTensors('tiny-a', 'model.safetensors');
    const tasks = ['task-0', 'task-1', 'task-2', 'task-3'];
    const experts = await Promise.all(tasks.map((t) => loadFixtureTensors('merge', t, 'model.safetensors')));
    const asF32 = (m: typeof pre) => new Map([...m].map(([n, d]) => [n, d.values as Float32Array]));
    const r = await taskVectorAnalytics(
      memoryCheckpoint('tiny-a', asF32(pre)),
      experts.map((m, t) => ({ task: tasks[t], checkpoint: memoryCheckpoint(tasks[t], asF32(m)) })),
    );
    // Reference: concatenate every τt, then plain float64 formulas.
    const names = [...pre.keys()];
    const flat = experts.map((m) => names.flatMap((n) => Array.from(m.get(n)!.values, (v, i) => v - pre.get(n)!.values[i])));
    const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
    for (let a = 0; a < 4; a++) {
      expect(r.norms[a]).toBeCloseTo(Math.sqrt(dot(flat[a], flat[a])), 9);
      for (let b = 0; b < 4; b++) {
        expect(r.cosine[a][b]).toBeCloseTo(dot(flat[a], flat[b]) / Math.sqrt(dot(flat[a], flat[a]) * dot(flat[b], flat[b])), 9);
      }
    }
    const groupOf = names.flatMap((n) => Array<string>(pre.get(n)!.values.length).fill(paramGroup(n)));
    const conflicts = new Map<string, number>();
    for (let i = 0; i < flat[0].length; i++) {
      const s = flat.map((f) => Math.sign(f[i]));
      if (s.includes(1) && s.includes(-1)) conflicts.set(groupOf[i], (conflicts.get(groupOf[i]) ?? 0) + 1);
    }
    expect(r.overall.entries).toBe(115_712);
    expect(r.signConflicts.map((g) => g.group)).toEqual(['embeddings', 'layer.0', 'layer.1', 'head']);
    for (const g of r.signConflicts) expect(g.conflicts).toBe(conflicts.get(g.group) ?? 0);
    expect(r.overall.conflicts).toBe([...conflicts.values()].reduce((a, b) => a + b, 0));
    expect(r.overall.conflicts).toBeGreaterThan(0);
  });

  it('accumulates long tensors over several blocks and many tasks like a direct computation', () => {
    const rng = createRng(3);
    const T = 7;
    const n = 40_000; // > 2 blocks of 16384
    const taus = Array.from({ length: T }, (_, t) => Float32Array.from({ length: n }, (_, i) => (rng.next() < 0.3 + 0.05 * t ? 0 : rng.normal() * (i % 7 === 0 ? -1 : 1))));
    taus[2][5] = -0; // negative zero is zero, not negative
    const stats = new TaskVectorStats(taus.map((_, t) => `t${t}`));
    stats.add('vision_model.encoder.layers.3.mlp.fc2.weight', taus);
    const r = stats.result();
    for (let a = 0; a < T; a++) {
      for (let b = 0; b < T; b++) {
        let d = 0, na = 0, nb = 0;
        for (let i = 0; i < n; i++) { d += taus[a][i] * taus[b][i]; na += taus[a][i] ** 2; nb += taus[b][i] ** 2; }
        expect(r.cosine[a][b]).toBeCloseTo(d / Math.sqrt(na * nb), 10);
      }
    }
    let active = 0, conflicts = 0;
    for (let i = 0; i < n; i++) {
      const s = taus.map((x) => Math.sign(x[i]));
      if (s.filter((v) => v !== 0).length >= 2) active++;
      if (s.includes(1) && s.includes(-1)) conflicts++;
    }
    expect(r.signConflicts).toEqual([{ group: 'layer.3', entries: n, active, conflicts, rate: conflicts / n }]);
  });

  it('is invariant to scaling a task vector (cosine) and scales its norm', async () => {
    const pre = ckpt('pre', [0, 0, 0, 0], [0, 0], [0, 0]);
    const a = ckpt('a', [1, -2, 0.5, 3], [1, 2], [-1, 0.25]);
    const b = ckpt('b', [0.5, 1, 1, -1], [2, -1], [1, 1]);
    const a3 = ckpt('a3', [3, -6, 1.5, 9], [3, 6], [-3, 0.75]);
    const r1 = await taskVectorAnalytics(pre, [{ task: 'a', checkpoint: a }, { task: 'b', checkpoint: b }]);
    const r3 = await taskVectorAnalytics(pre, [{ task: 'a', checkpoint: a3 }, { task: 'b', checkpoint: b }]);
    expect(r3.norms[0]).toBeCloseTo(3 * r1.norms[0], 6);
    expect(r3.cosine[0][1]).toBeCloseTo(r1.cosine[0][1], 6);
    expect(r3.overall).toEqual(r1.overall);
  });

  it('notes tensors an expert lacks, rejects NaN, and can be cancelled', async () => {
    const pre = ckpt('pre', [0, 0, 0, 0], [0, 0], [0, 0]);
    const noProj = memoryCheckpoint('noproj', new Map([[E, Float32Array.of(1, 0, 0, 0)], [L0, Float32Array.of(0, 1)]]));
    const r = await taskVectorAnalytics(pre, [{ task: 'x', checkpoint: noProj }]);
    expect(r.notes[0]).toMatch(/visual_projection\.weight is left out.*"x" has no such tensor/);
    expect(r.overall.entries).toBe(6);

    const nan = ckpt('nan.safetensors', [0, NaN, 0, 0], [0, 0], [0, 0]);
    const err = await taskVectorAnalytics(pre, [{ task: 'x', checkpoint: nan }]).catch((e) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.message).toMatch(/nan\.safetensors: vision_model\.embeddings\.class_embedding contains NaN or Inf/);

    const signal = { aborted: false };
    const seen: number[] = [];
    const run = taskVectorAnalytics(pre, [{ task: 'x', checkpoint: noProj }], {
      signal,
      onProgress: (p) => { seen.push(p.done); signal.aborted = true; },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toEqual([1]);
  });
});
