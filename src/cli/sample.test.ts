// Scoring a stratified sample: on a label-sorted split (the first rows one class), `mergelab eval
// --sample` scores the sampled rows — the same accuracy as the full split's features at those rows,
// computed apart — labels the figures "sampled N of M", writes the sample into the JSON, and
// reports throughput; bad flag combinations are usage errors.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stratifiedSample } from '../engine/data/sample';
import { openSuiteDir } from '../engine/data/suite-dir.node';
import { type TinyTask, randomHead, randomImages, writeTinySuite } from '../engine/data/tiny-suite.node';
import { argmaxRows } from '../engine/eval/accuracy';
import { SuiteEvaluator } from '../engine/eval/evaluate';
import { headLogits } from '../engine/model/heads';
import { run } from './eval';
import { run as runExperiment } from './run';

let dir: string;
const N = 12;
const sorted = Int32Array.from({ length: N }, (_, i) => (i < 6 ? 0 : i < 9 ? 1 : 2)); // 6, 3, 3 rows
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mergelab-sample-'));
  const tasks: TinyTask[] = [0, 1].map((i) => ({
    name: `t${i}`, classes: ['a', 'b', 'c'], expert: `merge/task-${i}`, images: randomImages(N, 32, 32, 3, 300 + i),
    shape: [N, 32, 32, 3], labels: sorted, form: 'safetensors',
  }));
  await writeTinySuite(dir, tasks, { heads: Object.fromEntries(tasks.map((t, i) => [t.name, randomHead(3, 32, 310 + i)])) });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const sink = () => { let s = ''; return { write: (x: string) => (s += x), text: () => s }; };

describe('evaluation on a stratified sample', () => {
  it('scores the sampled rows, labelled sampled N of M', async () => {
    const json = join(dir, 'out.json');
    const out = sink();
    const err = sink();
    expect(await run([dir, '--sample', '4', '--seed', '3', '--batch-size', '3', '--json', json], out, err)).toBe(0);
    expect(out.text()).toMatch(/t0\s+sampled 4 of 12/);
    expect(err.text()).toMatch(/pretrained t0: 4 images, [\d.]+ images\/s/);
    const res = JSON.parse(await readFile(json, 'utf8'));
    expect(res.sample).toEqual({ size: 4, seed: 3 });
    expect(res.tasks.t0).toMatchObject({ images: 4, total: 12, sampled: true });

    // Independently: the full split's features, rows picked by the sample, scored by hand.
    const idx = stratifiedSample(sorted, 4, 3);
    expect(Array.from(idx, (i) => sorted[i]).sort()).toEqual([0, 0, 1, 2]); // 4 · (6, 3, 3)/12 = 2, 1, 1
    const suite = await openSuiteDir(dir);
    const ev = new SuiteEvaluator(suite);
    for (const t of ['t0', 't1']) {
      const f = await ev.checkpointFeatures(suite.pretrained, t, {}, 'pretrained');
      expect(f.n).toBe(12);
      const z = new Float32Array(4 * f.dim);
      idx.forEach((i, k) => z.set(f.z.subarray(i * f.dim, (i + 1) * f.dim), k * f.dim));
      const pred = argmaxRows(headLogits(z, 4, suite.heads.get(t)!, 100), 4, 3);
      const acc = (100 * Array.from(idx).filter((i, k) => pred[k] === sorted[i]).length) / 4;
      expect(res.tasks[t].pretrained.accuracy).toBeCloseTo(acc, 9);
      // The sampled features are the full split's rows at the sample's indices (read in runs, not one batch).
      const s = await ev.checkpointFeatures(suite.pretrained, t, { sample: { size: 4, seed: 3 }, batchSize: 3 }, 'pretrained');
      expect(Array.from(s.labels)).toEqual(Array.from(idx, (i) => sorted[i]));
      for (let k = 0; k < z.length; k++) expect(s.z[k]).toBeCloseTo(z[k], 5);
    }
    ev.dispose();
  });

  it('scores the whole split by default and when the sample is larger than it', async () => {
    const json = join(dir, 'all.json');
    expect(await run([dir, '--sample', '50', '--json', json], sink(), sink())).toBe(0);
    expect(JSON.parse(await readFile(json, 'utf8')).tasks.t0).toMatchObject({ images: 12, total: 12, sampled: false });
    const out = sink();
    expect(await run([dir], out, sink())).toBe(0);
    expect(out.text()).toMatch(/t0\s+12\s/);
  });

  it('mergelab run --sample trains and scores on the sample: a closed-form merge scores as mergelab eval --sample', async () => {
    const evalJson = join(dir, 'ta-eval.json');
    expect(await run([dir, '--method', 'task_arithmetic', '--sample', '4', '--seed', '3', '--json', evalJson], sink(), sink())).toBe(0);
    const ev = JSON.parse(await readFile(evalJson, 'utf8'));
    const exp = join(dir, 'exp.json');
    await writeFile(exp, JSON.stringify({ suite: dir, merge: { method: 'task_arithmetic' }, seed: 0, limit: null }));
    const json = join(dir, 'ta-run.json');
    const err = sink();
    expect(await runExperiment([exp, '--sample', '4', '--seed', '3', '--json', json], sink(), err)).toBe(0);
    expect(err.text()).toMatch(/t0: sampled 4 of 12 test images \(stratified by class, seed 3\)/);
    const res = JSON.parse(await readFile(json, 'utf8'));
    expect(res.sample).toEqual({ size: 4, seed: 3, tasks: { t0: { images: 4, total: 12 }, t1: { images: 4, total: 12 } } });
    for (const t of ['t0', 't1']) expect(res.tasks[t].accuracy).toBeCloseTo(ev.tasks[t].merged.accuracy, 9);
    // A trained correction runs on the sampled view too.
    await writeFile(exp, JSON.stringify({ suite: dir, merge: { method: 'task_arithmetic' }, correction: { method: 'surgery', params: { iterations: 2, rank: 2 } }, seed: 0, limit: null }));
    expect(await runExperiment([exp, '--sample', '4', '--json', json], sink(), sink())).toBe(0);
    await writeFile(exp, JSON.stringify({ suite: dir, merge: { method: 'task_arithmetic' }, seed: 0, limit: 3 }));
    await expect(runExperiment([exp, '--sample', '4'], sink(), sink())).rejects.toThrow(/give --sample .* or the experiment's "limit"/);
  });

  it('refuses --sample with --limit, --seed without --sample and a bad seed', async () => {
    await expect(run([dir, '--sample', '4', '--limit', '4'], sink(), sink())).rejects.toThrow(/give --sample .* or --limit .*, not both/);
    await expect(run([dir, '--seed', '2'], sink(), sink())).rejects.toThrow(/--seed needs --sample/);
    await expect(run([dir, '--sample', '4', '--seed', '-1'], sink(), sink())).rejects.toThrow(/--seed needs a whole number/);
    await expect(run([dir, '--sample', '0'], sink(), sink())).rejects.toThrow(/--sample needs a positive integer/);
  });
});
