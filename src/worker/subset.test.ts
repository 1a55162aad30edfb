/**
 * Task subsets (issue 7): merging and evaluating a suite on some of its tasks gives exactly what a
 * suite holding only those tasks' experts gives — the same merged tensors, the same table — and
 * the task-vector analytics cover only them; unknown tasks are usage errors; no tensor leaks.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { blobSource } from '../engine/io/byte-source';
import { openSafetensors, readAll } from '../engine/io/safetensors';
import { fixturePath } from '../engine/testing/fixtures.node';
import type { EngineApi } from './api';
import { createInProcessEngine } from './in-process';
import { pickedFolder } from './lab-files.node';

const SUITE = fixturePath('suite-tiny');
const PAIR = ['waves', 'scans'];

async function tensors(api: EngineApi, mergeId: string) {
  const files = await api.mergeFiles(mergeId);
  return readAll(await openSafetensors(blobSource(files.model, 'model.safetensors')));
}

describe('task subsets of a suite', () => {
  let api: EngineApi;
  let tmp: string;
  let pairDir: string;
  beforeAll(async () => {
    api = createInProcessEngine({ decoder: nodeImageDecoder });
    await api.init({ force: 'cpu' });
    tmp = await mkdtemp(join(tmpdir(), 'mergelab-subset-'));
    // The same suite with only the two tasks (their experts, heads and data are untouched).
    pairDir = join(tmp, 'suite-pair');
    await cp(SUITE, pairDir, { recursive: true });
    const manifest = JSON.parse(await readFile(join(pairDir, 'manifest.json'), 'utf8'));
    manifest.tasks = manifest.tasks.filter((t: { name: string }) => PAIR.includes(t.name));
    manifest.experts = Object.fromEntries(PAIR.map((t) => [t, manifest.experts[t]]));
    await writeFile(join(pairDir, 'manifest.json'), JSON.stringify(manifest));
  });
  afterAll(() => rm(tmp, { recursive: true, force: true }));

  it('Task Arithmetic over a 2-task subset equals Task Arithmetic over a suite of those 2 experts, and so does its table', async () => {
    const full = await api.openSuite('suite-tiny', await pickedFolder(SUITE));
    const pair = await api.openSuite('suite-pair', await pickedFolder(pairDir));
    expect(pair.tasks.map((t) => t.name)).toEqual(PAIR);
    const before = tf.memory().numTensors;
    // Given out of order: the subset follows the suite's task order.
    const sub = await api.merge({ pool: { kind: 'suite', suiteId: full.id, tasks: ['scans', 'waves'] }, method: 'task_arithmetic', params: { lambda: 0.4 } });
    const ref = await api.merge({ pool: { kind: 'suite', suiteId: pair.id }, method: 'task_arithmetic', params: { lambda: 0.4 } });
    const all = await api.merge({ pool: { kind: 'suite', suiteId: full.id }, method: 'task_arithmetic', params: { lambda: 0.4 } });
    expect(sub.tasks).toEqual(PAIR);
    expect(all.tasks).toEqual(['waves', 'folders', 'scans']);
    const [a, b, c] = [await tensors(api, sub.id), await tensors(api, ref.id), await tensors(api, all.id)];
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, t] of b) expect(Array.from(a.get(name)!.values as Float32Array), name).toEqual(Array.from(t.values as Float32Array));
    expect([...c].some(([name, t]) => Array.from(t.values as Float32Array).some((x, i) => x !== (a.get(name)!.values as Float32Array)[i]))).toBe(true);

    const rSub = await api.evaluate(full.id, sub.id, { limit: 8 });
    const rRef = await api.evaluate(pair.id, ref.id, { limit: 8 });
    expect(Object.keys(rSub.tasks)).toEqual(PAIR);
    expect(rSub.tasks).toEqual(rRef.tasks);
    expect(rSub.average).toEqual(rRef.average);
    // The references of a full evaluation agree with the subset's on the shared tasks.
    const rAll = await api.evaluate(full.id, all.id, { limit: 8 });
    for (const t of PAIR) expect(rAll.tasks[t].pretrained).toEqual(rSub.tasks[t].pretrained);
    for (const m of [sub, ref, all]) await api.closeMerge(m.id);
    expect(tf.memory().numTensors).toBe(before);

    const an = await api.analyzeTaskVectors({ kind: 'suite', suiteId: full.id, tasks: PAIR });
    expect(an.tasks).toEqual(PAIR);
    expect(an.cosine).toHaveLength(2);
    await api.closeSuite(full.id);
    await api.closeSuite(pair.id);
  });

  it('refuses tasks the suite does not have, and an empty subset, naming what to choose', async () => {
    const s = await api.openSuite('suite-tiny', await pickedFolder(SUITE));
    await expect(api.merge({ pool: { kind: 'suite', suiteId: s.id, tasks: ['waves', 'clouds'] }, method: 'average' }))
      .rejects.toMatchObject({ code: 'usage', message: 'suite-tiny has no task "clouds".', hint: 'Choose among its tasks: waves, folders, scans.' });
    await expect(api.merge({ pool: { kind: 'suite', suiteId: s.id, tasks: [] }, method: 'average' })).rejects.toMatchObject({ code: 'usage' });
    await api.closeSuite(s.id);
  });
});
