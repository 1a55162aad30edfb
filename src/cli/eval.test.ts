// `mergelab eval` in-process on a tiny suite: JSON schema, references, a merge scored against the
// golden merged fixture, usage errors and a missing suite (typed errors main turns into exit 2 / 1).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSuiteDir } from '../engine/data/suite-dir.node';
import { type TinyTask, randomHead, randomImages, writeTinySuite } from '../engine/data/tiny-suite.node';
import { SuiteEvaluator } from '../engine/eval/evaluate';
import { disposeParams } from '../engine/params/param-map';
import { loadFixtureTensors } from '../engine/testing/fixtures.node';
import { MergelabError } from '../engine/errors';
import { run } from './eval';

async function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = await run(args, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

describe('mergelab eval', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mergelab-cli-eval-'));
    const tasks: TinyTask[] = [0, 1, 2, 3].map((i) => ({
      name: `t${i}`, classes: ['a', 'b', 'c'], expert: `merge/task-${i}`, images: randomImages(5, 32, 32, 3, 40 + i),
      shape: [5, 32, 32, 3], labels: Int32Array.from({ length: 5 }, (_, k) => (k * (i + 1)) % 3), form: 'safetensors',
    }));
    await writeTinySuite(dir, tasks, { heads: Object.fromEntries(tasks.map((t, i) => [t.name, randomHead(3, 32, 60 + i)])) });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('writes per-task absolute and normalised accuracy for pretrained, individual and a merge', async () => {
    const json = join(dir, 'out.json');
    const r = await cli(dir, '--method', 'task_arithmetic', '--param', 'lambda=0.3', '--limit', '4', '--batch-size', '3', '--json', json);
    expect(r.err).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^task\s+images\s+pretrained \(norm\)\s+individual\s+merged \(norm\)\n/);
    expect(r.out).toMatch(/\naverage\s/);
    const res = JSON.parse(await readFile(json, 'utf8'));
    expect(res).toMatchObject({ suite: 'tiny', method: 'task_arithmetic', params: { lambda: 0.3 }, limit: 4 });
    expect(res.seconds).toBeGreaterThan(0);
    expect(Object.keys(res.tasks)).toEqual(['t0', 't1', 't2', 't3']);

    // Reference: the same suite scored in-process, the merge taken from the golden TA-0.3 fixture.
    const ev = new SuiteEvaluator(await openSuiteDir(dir));
    const refs = await ev.references({ limit: 4 });
    const golden = await loadFixtureTensors('merge', 'merged-task-arithmetic-0.3', 'model.safetensors');
    const params = new Map([...golden].map(([n, d]) => [n, tf.tensor(d.values as Float32Array, d.shape)]));
    const merged = await ev.score({ key: 'golden', params }, { limit: 4 });
    disposeParams(params);
    ev.dispose();
    for (const t of ['t0', 't1', 't2', 't3']) {
      const row = res.tasks[t];
      expect(row.images).toBe(4);
      expect(row.pretrained.accuracy).toBeCloseTo(refs.pretrained[t], 9);
      expect(row.individual.accuracy).toBeCloseTo(refs.individual[t], 9);
      expect(row.merged.accuracy).toBeCloseTo(merged[t], 9);
      if (refs.individual[t] > 0) expect(row.merged.normalized).toBeCloseTo((100 * merged[t]) / refs.individual[t], 9);
      else expect(row.merged.normalized).toBeNull();
    }
    const mean = (k: 'pretrained' | 'merged') => Object.values(res.tasks).reduce((s: number, x) => s + (x as Record<string, { accuracy: number }>)[k].accuracy, 0) / 4;
    expect(res.average.merged.accuracy).toBeCloseTo(mean('merged'), 9);
    expect(res.average.pretrained.accuracy).toBeCloseTo(mean('pretrained'), 9);
  });

  it('without --method reports the references only', async () => {
    const json = join(dir, 'refs.json');
    const r = await cli(dir, '--limit', '2', '--json', json);
    expect(r.code).toBe(0);
    const res = JSON.parse(await readFile(json, 'utf8'));
    expect(res).toMatchObject({ method: null, params: {}, limit: 2 });
    expect(res.tasks.t0.merged).toBeUndefined();
    expect(res.average.merged).toBeUndefined();
  });

  it('rejects bad arguments with a usage error before any work, and names a missing suite', async () => {
    for (const [args, re] of [
      [[], /give the suite folder/],
      [[dir, '--limit', '0'], /--limit needs a positive integer, got "0"/],
      [[dir, '--method', 'nope'], /unknown merge method "nope"/],
      [[dir, '--param', 'lambda=1'], /--param needs --method/],
      [[dir, '--method', 'ties', '--param', 'aggregate=median'], /ties: aggregate = "median" is not valid/],
      [[dir, '--frobnicate'], /unknown option --frobnicate/],
    ] as [string[], RegExp][]) {
      const e = await cli(...args).catch((x) => x);
      expect(e, args.join(' ')).toBeInstanceOf(MergelabError);
      expect(e.code).toBe('usage'); // main exits 2
      expect(e.message).toMatch(re);
    }
    const missing = await cli(join(dir, 'nowhere')).catch((x) => x);
    expect(missing.code).toBe('suite'); // main exits 1
    expect(missing.message).toMatch(/nowhere: cannot be read/);
    expect(missing.hint).toMatch(/Give the path of a suite folder/);
    expect((await cli('--help')).out).toMatch(/^usage: mergelab eval <suiteDir>/);
  });
});
