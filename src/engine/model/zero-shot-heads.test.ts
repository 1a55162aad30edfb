/**
 * Zero-shot heads against text-a's golden heads (an independent PyTorch build: templates filled,
 * embeddings normalised, averaged, normalised again), with batching, progress, cancellation,
 * bad requests, and no tensors left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, MergelabError } from '../errors';
import { fixturePath, loadFixtureTensors } from '../testing/fixtures.node';
import { folderFiles } from './clip-text/folder.node';
import { openTextModel, type ClipTextModel } from './clip-text/open-text-model';
import { buildZeroShotHeads, fillTemplate, type HeadRequest } from './zero-shot-heads';

const tasks = (JSON.parse(readFileSync(fixturePath('text-a', 'tasks.json'), 'utf8')) as { tasks: HeadRequest[] }).tasks;
let model: ClipTextModel;
beforeAll(async () => { model = await openTextModel('model', folderFiles(fixturePath('text-a', 'model'))); });
afterAll(() => model.dispose());

describe('buildZeroShotHeads', () => {
  it('matches the golden heads to 1e-4 for any batch size, reports progress and leaves no tensors', async () => {
    const golden = await loadFixtureTensors('text-a', 'heads-golden.safetensors');
    const before = tf.memory().numTensors;
    for (const batchSize of [64, 7]) {
      const progress: [number, number][] = [];
      const heads = await buildZeroShotHeads(model, tasks, { batchSize, onProgress: (d, t) => progress.push([d, t]) });
      const total = 10 * 4 + 10 * 1;
      expect(progress[0]).toEqual([0, total]);
      expect(progress.at(-1)).toEqual([total, total]);
      expect(progress.length).toBe(1 + Math.ceil(total / batchSize));
      for (const t of tasks) {
        const h = heads.get(t.name)!;
        const g = golden.get(t.name)!;
        expect([h.numClasses, h.dim]).toEqual(g.shape);
        const gv = g.values as Float32Array;
        let m = 0;
        for (let i = 0; i < gv.length; i++) m = Math.max(m, Math.abs(h.weight[i] - gv[i]));
        expect(m).toBeLessThan(1e-4);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops between batches when the signal aborts', async () => {
    const ctl = new AbortController();
    const run = buildZeroShotHeads(model, tasks, { batchSize: 5, onProgress: (d) => { if (d >= 10) ctl.abort(); }, signal: ctl.signal });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it('rejects a template without "{}", a task without classes and a task listed twice', async () => {
    const bad = (t: HeadRequest[]) => buildZeroShotHeads(model, t).catch((e) => e);
    expect((await bad([{ name: 'x', classes: ['a'], templates: ['a photo.'] }])).message).toMatch(/Task "x": template without "\{\}"/);
    expect(await bad([{ name: 'x', classes: [], templates: ['{}'] }])).toBeInstanceOf(MergelabError);
    expect((await bad([tasks[1], tasks[1]])).message).toMatch(/listed twice/);
  });

  it('fillTemplate replaces every "{}"', () => {
    expect(fillTemplate('a photo of a {}, a {}.', 'cat')).toBe('a photo of a cat, a cat.');
  });
});
