/**
 * The engine API in-process on the fixtures (CPU backend, as in every unit test): recognition,
 * pool check, golden check, synthetic forward, errors as plain ErrorInfo, no tensor leaks.
 */
import { openAsBlob } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../engine/testing/fixtures.node';
import { isErrorInfo, type EngineApi, type EngineFile, type Progress } from './api';
import { createInProcessEngine } from './in-process';

async function folder(name: string): Promise<EngineFile[]> {
  const dir = fixturePath(name);
  return Promise.all((await readdir(dir)).map(async (path) => ({ path, blob: await openAsBlob(`${dir}/${path}`) })));
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('engine API (in-process)', () => {
  let api: EngineApi;
  beforeAll(async () => {
    api = createInProcessEngine();
    const choice = await api.init({ force: 'cpu' });
    expect(choice.backend).toBe('cpu');
    expect(choice.reasons.join(' ')).toContain('forced');
  });

  it('recognises both fixtures and finds their goldens', async () => {
    const a = await api.openCheckpoint('tiny-a', await folder('tiny-a'));
    const b = await api.openCheckpoint('tiny-b', await folder('tiny-b'));
    expect(a.hasGolden && b.hasGolden).toBe(true);
    expect(a.summary.paramCount).toBe(115_712);
    expect(b.summary.paramCount).toBe(412_992);
    expect(a.summary.config).toMatchObject({ numLayers: 2, hiddenSize: 64, numHeads: 4, patchSize: 8, imageSize: 32, projectionDim: 32 });
    expect(Object.keys(b.summary.dtypes)).toEqual(['F16']);
    expect(a.id).not.toBe(b.id);
    // The summary crosses postMessage: it must survive structured cloning unchanged.
    expect(structuredClone(a.summary)).toEqual(a.summary);
  });

  it('flags every mismatch of a pool and accepts a matching one', async () => {
    const a = await api.openCheckpoint('tiny-a', await folder('tiny-a'));
    const b = await api.openCheckpoint('tiny-b', await folder('tiny-b'));
    const task = await api.openCheckpoint('task-0', await folder('merge/task-0'));
    const bad = await api.checkPool(a.id, [b.id, task.id]);
    expect(bad.ok).toBe(false);
    expect(bad.problems.length).toBeGreaterThan(1);
    expect(bad.problems.some((p) => p.includes('tiny-b'))).toBe(true);
    expect(bad.problems.some((p) => p.includes('task-0'))).toBe(false);
    expect(await api.checkPool(a.id, [task.id])).toEqual({ ok: true, problems: [] });
  });

  it.each(['tiny-a', 'tiny-b'])('%s matches its golden outputs within 1e-4, without leaking tensors', async (name) => {
    const ck = await api.openCheckpoint(name, await folder(name));
    const stages: string[] = [];
    const before = tf.memory().numTensors;
    const r = await api.checkGolden(ck.id, (p: Progress) => stages.push(p.stage));
    expect(tf.memory().numTensors).toBe(before);
    const layers = ck.summary.config.numLayers;
    expect(r.rows.map((x) => x.name)).toEqual([
      'last_hidden_state', 'pooler_output', 'image_embeds', ...Array.from({ length: layers + 1 }, (_, i) => `hidden_states.${i}`),
    ]);
    for (const row of r.rows) expect(row.maxAbsDiff, row.name).toBeLessThanOrEqual(1e-4);
    expect(r.pass).toBe(true);
    expect(r.images).toBe(4);
    expect(stages).toEqual(['reading inputs', 'loading parameters', 'forward pass', 'comparing', 'done']);
  });

  it('checks a partial golden (task-0: pooler_output and image_embeds on tiny-a\'s inputs)', async () => {
    const inputs = (await folder('tiny-a')).filter((f) => f.path === 'inputs.safetensors');
    const ck = await api.openCheckpoint('task-0', [...(await folder('merge/task-0')), ...inputs]);
    const r = await api.checkGolden(ck.id);
    expect(r.rows.map((x) => x.name)).toEqual(['pooler_output', 'image_embeds']);
    expect(r.pass).toBe(true);
  });

  it('fails the golden check of a model against another model\'s goldens', async () => {
    // task-0 is tiny-a with seeded deltas: same shapes, different numbers.
    const files = (await folder('merge/task-0')).filter((f) => !f.path.endsWith('golden.safetensors') && !f.path.endsWith('inputs.safetensors'));
    const goldens = (await folder('tiny-a')).filter((f) => f.path === 'golden.safetensors' || f.path === 'inputs.safetensors');
    const ck = await api.openCheckpoint('task-0', [...files, ...goldens]);
    const r = await api.checkGolden(ck.id);
    expect(r.pass).toBe(false);
    expect(r.rows.find((x) => x.name === 'image_embeds')!.maxAbsDiff).toBeGreaterThan(1e-4);
  });

  it('runs a seeded synthetic forward: shapes, reproducible embeddings, no leaks', async () => {
    const ck = await api.openCheckpoint('tiny-b', await folder('tiny-b'));
    const before = tf.memory().numTensors;
    const r1 = await api.runForward(ck.id, { images: 3, seed: 7 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r1.backend).toBe('cpu');
    expect(r1.outputs.find((o) => o.name === 'last_hidden_state')!.shape).toEqual([3, 10, 96]);
    expect(r1.outputs.find((o) => o.name === 'image_embeds')!.shape).toEqual([3, 24]);
    expect(r1.outputs.filter((o) => o.name.startsWith('hidden_states.'))).toHaveLength(4);
    expect(r1.embeds).toHaveLength(3 * 24);
    const r2 = await api.runForward(ck.id, { images: 3, seed: 7 });
    expect(Array.from(r2.embeds)).toEqual(Array.from(r1.embeds));
    const r3 = await api.runForward(ck.id, { images: 3, seed: 8 });
    expect(Array.from(r3.embeds)).not.toEqual(Array.from(r1.embeds));
  });

  it('rejects a truncated file with plain ErrorInfo naming the file', async () => {
    const bytes = await readFile(fixturePath('tiny-a', 'model.safetensors'));
    const files: EngineFile[] = [
      { path: 'config.json', blob: await openAsBlob(fixturePath('tiny-a', 'config.json')) },
      { path: 'model.safetensors', blob: new Blob([bytes.subarray(0, 4000)]) },
    ];
    const e = await rejection(api.openCheckpoint('broken', files));
    expect(e).not.toBeInstanceOf(Error);
    expect(isErrorInfo(e)).toBe(true);
    expect(e).toMatchObject({ code: 'safetensors' });
    expect((e as { message: string }).message).toContain('broken/model.safetensors');
    expect((e as { hint: string }).hint).not.toBe('');
  });

  it('rejects unknown ids and a golden check without golden files with ErrorInfo', async () => {
    expect(await rejection(api.runForward('nope'))).toMatchObject({ code: 'engine' });
    const files = (await folder('tiny-a')).filter((f) => f.path === 'config.json' || f.path === 'model.safetensors');
    const ck = await api.openCheckpoint('tiny-a', files);
    expect(ck.hasGolden).toBe(false);
    expect(await rejection(api.checkGolden(ck.id))).toMatchObject({ code: 'golden' });
    await api.closeCheckpoint(ck.id);
    expect(await rejection(api.runForward(ck.id))).toMatchObject({ code: 'engine' });
  });
});
