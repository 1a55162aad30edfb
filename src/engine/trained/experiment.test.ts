/**
 * runExperiment with the caller's SuiteEvaluator (as the worker passes its one per suite): the
 * pretrained and individual features are computed once and reused by every later run, merges
 * included; only a new base merge costs its own forward passes. Counted at the FeatureCache (every
 * compute it runs is one forward pass over a task's images), on suite-tiny with the CPU backend.
 */
import { describe, expect, it } from 'vitest';
import { openSuiteDir } from '../data/suite-dir.node';
import { SuiteEvaluator } from '../eval/evaluate';
import { FeatureCache, type Features } from '../eval/features';
import { fixturePath } from '../testing/fixtures.node';
import { runExperiment } from './experiment';

const SUITE = fixturePath('suite-tiny');
const LIMIT = 16;

/** A real FeatureCache that records the key of every entry it had to compute. */
class CountingCache extends FeatureCache {
  readonly computed: string[] = [];
  override getOrCompute(key: string, compute: () => Promise<Features>): Promise<Features> {
    return super.getOrCompute(key, () => { this.computed.push(key); return compute(); });
  }
}

const modelOf = (key: string) => (JSON.parse(key) as string[])[0];

describe('runExperiment with a shared evaluator', () => {
  it('computes the references once: later trainings and evaluations reuse them', async () => {
    const suite = await openSuiteDir(SUITE);
    const cache = new CountingCache();
    const ev = new SuiteEvaluator(suite, cache);
    const surgery = { method: 'surgery', params: { iterations: 1, rank: 2 } };
    const run = (merge: string, correction: object) => runExperiment(suite, { suite: SUITE, merge: { method: merge }, correction, limit: LIMIT }, { evaluator: ev });

    await run('task_arithmetic', surgery);
    const T = suite.manifest.tasks.length;
    expect(cache.computed).toHaveLength(3 * T); // pretrained, individual and the TA base on each task
    const first = new Set(cache.computed);

    await run('task_arithmetic', { method: 'surgery', params: { iterations: 2, rank: 3 } }); // same base: nothing new
    expect(cache.computed).toHaveLength(3 * T);
    await run('ties', surgery); // a new base: only its own features
    expect(cache.computed).toHaveLength(4 * T);
    expect(cache.computed.slice(3 * T).some((k) => first.has(k))).toBe(false);
    expect(new Set(cache.computed.slice(3 * T).map(modelOf)).size).toBe(1);
    await run('task_arithmetic', { method: 'intervmerge', params: { iterations: 1, variant: 'mini' } }); // teachers from the cache
    expect(cache.computed).toHaveLength(4 * T);

    await ev.references({ limit: LIMIT }); // the evaluator is still the caller's and usable
    expect(cache.computed).toHaveLength(4 * T);
    await runExperiment(suite, { suite: SUITE, merge: { method: 'task_arithmetic' }, correction: surgery, limit: LIMIT }); // its own evaluator: ours untouched
    expect(cache.computed).toHaveLength(4 * T);
    ev.dispose();
  });
});
