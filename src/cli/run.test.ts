// `mergelab run` in-process on a tiny suite: the results format, a closed-form merge scored like
// the evaluator, AdaMerging with loaded coefficients (λ 0 = pretrained, λ 0.3 = Task Arithmetic),
// every trained method end to end (extra parameters from its schema, identical results for a
// seed), and usage errors before any work.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTrainedMethod, resolveTrainedParams } from '../engine/catalogue';
import { openSuiteDir } from '../engine/data/suite-dir.node';
import { type TinyTask, randomHead, randomImages, writeTinySuite } from '../engine/data/tiny-suite.node';
import { MergelabError } from '../engine/errors';
import { SuiteEvaluator } from '../engine/eval/evaluate';
import { mergeToParamMap } from '../engine/merge/in-memory';
import { disposeParams } from '../engine/params/param-map';
import { run } from './run';

let dir: string;
const names = ['t0', 't1', 't2'];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mergelab-cli-run-'));
  const tasks: TinyTask[] = names.map((name, i) => ({
    name, classes: ['a', 'b', 'c'], expert: `merge/task-${i}`, images: randomImages(6, 32, 32, 3, 140 + i),
    shape: [6, 32, 32, 3], labels: Int32Array.from({ length: 6 }, (_, k) => (k + i) % 3), form: 'safetensors',
  }));
  await writeTinySuite(join(dir, 'suite'), tasks, { heads: Object.fromEntries(tasks.map((t, i) => [t.name, randomHead(3, 32, 160 + i)])) });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function cli(experiment: object, ...flags: string[]) {
  const file = join(dir, `exp-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify({ suite: join(dir, 'suite'), ...experiment }));
  const json = `${file}.out.json`;
  let out = '';
  let err = '';
  const code = await run([file, '--json', json, ...flags], { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err, res: JSON.parse(await readFile(json, 'utf8')) };
}

describe('mergelab run', () => {
  it('scores a closed-form merge like the evaluator, in the results format', async () => {
    const r = await cli({ merge: { method: 'ties', params: { k: 50 } }, limit: 5 });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^task\s+accuracy\s+normalized\n/);
    expect(Object.keys(r.res).slice(0, 5)).toEqual(['tasks', 'average', 'normalizedAverage', 'extraParams', 'seconds']);
    expect(r.res.extraParams).toBe(0);
    expect(r.res.merge).toMatchObject({ method: 'ties', params: { k: 50, lambda: 0.3, aggregate: 'sum' }, steps: 0 });
    const suite = await openSuiteDir(join(dir, 'suite'));
    const ev = new SuiteEvaluator(suite);
    const refs = await ev.references({ limit: 5 });
    const m = await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: 'ties', params: { k: 50 } });
    const acc = await ev.score({ key: 'x', params: m.weights }, { limit: 5 });
    disposeParams(m.weights);
    ev.dispose();
    for (const t of names) {
      expect(r.res.tasks[t].accuracy).toBeCloseTo(acc[t], 9);
      if (refs.individual[t] > 0) expect(r.res.tasks[t].normalized).toBeCloseTo((100 * acc[t]) / refs.individual[t], 9);
    }
    expect(r.res.average).toBeCloseTo(names.reduce((s, t) => s + acc[t], 0) / 3, 9);
  });

  it('AdaMerging with loaded coefficients: λ 0 is the pretrained model, λ 0.3 is Task Arithmetic', async () => {
    const zero = await cli({ merge: { method: 'adamerging', params: { granularity: 'task' }, coefficients: [0, 0, 0] } });
    const ta = await cli({ merge: { method: 'task_arithmetic' } });
    const third = await cli({ merge: { method: 'adamerging', params: { granularity: 'task' }, coefficients: [0.3, 0.3, 0.3] } });
    const suite = await openSuiteDir(join(dir, 'suite'));
    const ev = new SuiteEvaluator(suite);
    const refs = await ev.references();
    ev.dispose();
    for (const t of names) {
      expect(zero.res.tasks[t].accuracy).toBeCloseTo(refs.pretrained[t], 9);
      expect(third.res.tasks[t].accuracy).toBeCloseTo(ta.res.tasks[t].accuracy, 9);
    }
    expect(zero.res.merge.steps).toBe(0);
    expect(zero.res.coefficients).toMatchObject({ granularity: 'task', tasks: names, lambda: [[0], [0], [0]] });
  });

  it('runs every trained method end to end, reproducibly for a seed, with its extra parameters', async () => {
    const shapes = names.map((name) => ({ name, numClasses: 3 }));
    const config = (await openSuiteDir(join(dir, 'suite'))).pretrained.config;
    for (const exp of [
      { merge: { method: 'adamerging', params: { iterations: 2 } } },
      { merge: { method: 'ties' }, correction: { method: 'surgery', params: { iterations: 2 } } },
      { merge: { method: 'adamerging', params: { iterations: 1, granularity: 'task' } }, correction: { method: 'intervmerge', params: { iterations: 1, variant: 'mini', trainCoefficients: true } } },
      { merge: { method: 'task_arithmetic' }, correction: { method: 'tinting', params: { iterations: 1 } } },
    ]) {
      const a = await cli({ ...exp, seed: 3 });
      const b = await cli({ ...exp, seed: 3 });
      const label = JSON.stringify(exp);
      expect(a.code, label).toBe(0);
      const { seconds: _a, merge: ma, correction: ca, ...restA } = a.res;
      const { seconds: _b, merge: mb, correction: cb, ...restB } = b.res;
      expect(restB, label).toEqual(restA);
      expect(mb.finalLoss).toEqual(ma.finalLoss);
      expect(cb?.finalLoss).toEqual(ca?.finalLoss);
      let extra = 0;
      type Spec = { method: string; params?: Record<string, string | number | boolean> };
      for (const spec of [exp.merge, (exp as { correction?: Spec }).correction] as (Spec | undefined)[]) {
        if (!spec || !['adamerging', 'surgery', 'intervmerge', 'tinting'].includes(spec.method)) continue;
        const m = getTrainedMethod(spec.method);
        extra += m.trainableParamCount(resolveTrainedParams(m, spec.params), config, shapes);
      }
      expect(a.res.extraParams, label).toBe(extra);
      const stage = ca ?? ma;
      expect(stage.steps, label).toBe(getTrainedMethod(stage.method).totalSteps(stage.params, 3));
    }
  });

  it('rejects bad experiments with usage errors naming the field', async () => {
    for (const [exp, re] of [
      [{ merge: { method: 'nope' } }, /"merge.method" must be one of average, task_arithmetic, ties, dare, consensus, adamerging/],
      [{ merge: { method: 'task_arithmetic' }, correction: { method: 'ties' } }, /"correction.method" must be one of surgery, intervmerge, tinting/],
      [{ merge: { method: 'adamerging', params: { granularity: 'block' } } }, /adamerging: granularity = "block" is not valid/],
      [{ merge: { method: 'ties', coefficients: [1] } }, /only for adamerging/],
      [{ merge: { method: 'ties' }, limit: 0 }, /"limit" must be a positive integer or null/],
      [{ merge: { method: 'ties' }, correction: { method: 'surgery', params: { rank: 0 } } }, /surgery: rank = 0 is not valid/],
    ] as [object, RegExp][]) {
      const e = await cli(exp).catch((x) => x);
      expect(e, JSON.stringify(exp)).toBeInstanceOf(MergelabError);
      expect(e.code).toBe('usage');
      expect(e.message).toMatch(re);
    }
    const missing = await run([join(dir, 'nowhere.json')], { write: () => 0 }, { write: () => 0 }).catch((x) => x);
    expect(missing.code).toBe('experiment');
    let help = '';
    await run(['--help'], { write: (s: string) => (help += s) });
    expect(help).toMatch(/^usage: mergelab run <experiment.json>/);
  });
});
