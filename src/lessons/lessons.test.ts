/**
 * The lessons as data: every step's setup decodes to a valid URL state (no notices) whose method
 * and correction are the ones its goal waits for; going to a step sets the real store up (the
 * served demo zoo, method, parameters, training settings, hidden controls) without reloading the
 * demo; and every goal kind the steps use is met by doing the step's one thing in a real store
 * on suite-tiny (in-process engine, CPU backend), while "what to notice" quotes the numbers.
 * Progress persists through the storage.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTrainedMethod } from '../engine/catalogue';
import { nodeImageDecoder } from '../engine/data/png-decoder.node';
import { getMethod } from '../engine/merge/registry';
import { fixturePath } from '../engine/testing/fixtures.node';
import { createLabStore, type LabStore } from '../state/store';
import { decodeUrlState } from '../state/url/codec';
import { lessonsDone } from '../state/slices/lesson';
import { createInProcessEngine } from '../worker/in-process';
import { pickedFolder } from '../worker/lab-files.node';
import { goalMet, lessonFacts } from './facts';
import { LESSONS, LESSON_IDS } from './index';
import { versusPretrained } from './notice';
import type { Goal } from './types';

const steps = LESSONS.flatMap((l) => l.steps.map((s, k) => ({ lesson: l.id, k, s })));
const DEMO = 'http://lab.test/zoo/mini8/';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? (k === 'mergelab.backend' ? 'cpu' : null), setItem: (k: string, v: string) => void m.set(k, v), m };
}

function makeStore(storage = memoryStorage()): LabStore {
  const pub = fixturePath('..', '..', 'public');
  const fetchImpl = async (url: string) => ({ ok: true, status: 200, blob: async () => new Blob([await readFile(join(pub, new URL(url).pathname))]) });
  return createLabStore({
    startEngine: () => ({ api: createInProcessEngine({ decoder: nodeImageDecoder, fetchImpl }), terminate: () => undefined }),
    storage, demoUrl: DEMO, sweepDebounceMs: 1,
  });
}

describe('lessons as data', () => {
  it('has the seven lessons in teaching order, each step with text, a source and a goal', () => {
    expect(LESSON_IDS).toEqual(['why-merge', 'tv-lambda', 'ties', 'bias', 'surgery', 'interventions', 'tinting']);
    for (const { lesson, k, s } of steps) {
      expect(s.explain.length, `${lesson} ${k}`).toBeGreaterThan(80);
      expect(s.task.length).toBeGreaterThan(10);
      expect(s.source.url).toMatch(/^https:\/\//);
    }
  });

  it('decodes every step setup to a valid URL state whose method and correction match its goal', () => {
    for (const { lesson, k, s } of steps) {
      const where = `${lesson} step ${k + 1}`;
      const { state, notices, present } = decodeUrlState(s.setup, { lessonIds: LESSON_IDS });
      expect(notices, where).toEqual([]);
      expect(state.suite, where).toEqual({ kind: 'demo' });
      expect(present, where).not.toContain('lesson');
      const g = s.goal;
      if (g.kind === 'merge') {
        expect(state.merge.method, where).toBe(g.method);
        for (const [p, v] of Object.entries(g.where ?? {})) expect(state.merge.given[p] ?? getMethod(g.method).params.find((f) => f.name === p)!.default, where).toBe(v);
      }
      if (g.kind === 'train') {
        expect(state.train.correction, where).toBe(g.correction);
        expect(state.hidden, where).not.toContain('train');
        for (const [p, v] of Object.entries(g.where ?? {})) expect(state.train.given[p] ?? getTrainedMethod(g.correction).params.find((f) => f.name === p)!.default, where).toBe(v);
      }
      if (g.kind === 'sweep') expect(state.hidden, where).not.toContain('sweep');
      if (g.kind === 'analytics') expect(state.hidden, where).not.toContain('analytics');
      if (g.kind === 'bias') expect(state.hidden, where).not.toContain('explorer');
    }
  });
});

describe('lessons in the store', () => {
  it('going to a step sets the tool up from its setup and keeps the loaded demo; progress persists', async () => {
    const storage = memoryStorage();
    const store = makeStore(storage);
    await store.getState().start();
    await store.getState().startLesson('ties', 1);
    const s = () => store.getState();
    expect(s().suite.status).toBe('ready');
    expect(s().suite.info?.name).toBe('mini8');
    expect(s().lesson).toMatchObject({ open: true, id: 'ties', step: 1, hidden: ['models', 'train', 'sweep'] });
    expect(s().merge).toMatchObject({ method: 'ties', given: { k: 20 }, evalLimit: 100 });
    await s().goToStep(3);
    expect(s().subset.tasks).toEqual(['signs', 'digits']);
    await s().goToStep(1);
    expect(s().subset.tasks).toBeNull(); // a step without t= merges all tasks
    const attempt = s().suite.attempt;
    await s().goToStep(2);
    expect(s().merge.given).toEqual({});
    await store.getState().startLesson('surgery', 1);
    expect(s().suite.attempt).toBe(attempt); // the demo was not loaded again
    expect(s().train).toMatchObject({ base: 'task_arithmetic', correction: 'surgery', preset: 'quick', limit: 100 });
    expect(s().lesson.hidden).toEqual(['models', 'runs', 'sweep', 'analytics']);
    s().completeStep();
    expect(JSON.parse(storage.m.get('mergelab.lessons')!)).toEqual({ surgery: [1] });
    expect(makeStore(storage).getState().lesson.progress).toEqual({ surgery: [1] });
    await s().restartLesson();
    expect(s().lesson).toMatchObject({ id: 'surgery', step: 0, progress: {} });
    s().leaveLesson();
    expect(s().lesson).toMatchObject({ id: null, hidden: [] });
    const all = Object.fromEntries(LESSONS.map((l) => [l.id, l.steps.map((_, i) => i)]));
    expect(lessonsDone(all)).toBe(7);
    expect(lessonsDone({ ...all, ties: [0, 1] })).toBe(6);
  });

  describe('every goal can be met by doing the step (suite-tiny)', () => {
    let store: LabStore;
    const s = () => store.getState();
    beforeAll(async () => {
      store = makeStore();
      await s().start();
    });
    const goals = (kind: Goal['kind']) => steps.filter(({ s: st }) => st.goal.kind === kind);

    it('suite, merge (runs, where, distinct) and look', async () => {
      for (const g of goals('suite')) expect(goalMet(g.s.goal, s())).toBe(false);
      await s().loadSuite(await pickedFolder(fixturePath('suite-tiny')));
      for (const g of goals('suite')) expect(goalMet(g.s.goal, s())).toBe(true);
      s().setEvalLimit(8);
      const merges = goals('merge');
      expect(merges.length).toBeGreaterThan(5);
      for (const { lesson, k, s: step } of merges) {
        const g = step.goal as Extract<Goal, { kind: 'merge' }>;
        s().setMethod(g.method);
        for (const [p, v] of Object.entries(g.where ?? {})) s().setParam(p, v);
        const before = goalMet(g, s());
        // The step's one action, once (twice for "again" steps, the second with another value).
        await s().runMerge();
        if ((g.runs ?? 1) > 1) {
          if (g.distinct) s().setParam(g.distinct, 5);
          await s().runMerge();
        }
        expect(goalMet(g, s()), `${lesson} step ${k + 1} (was ${before})`).toBe(true);
        expect(step.notice(lessonFacts(s())), `${lesson} step ${k + 1}`).toMatch(/\d+\.\d %/);
      }
      for (const g of goals('look')) expect(goalMet(g.s.goal, s())).toBe(false); // met by pressing Done only

      // A subset merge counts for 'subset' goals only, not as a merge of all tasks.
      const [sub] = goals('subset');
      const taRuns = lessonFacts(s()).merges('task_arithmetic').length;
      expect(goalMet(sub.s.goal, s())).toBe(false);
      s().setMethod('task_arithmetic');
      expect(s().setTaskSubset(['waves', 'scans'])).toBeNull();
      await s().runMerge();
      expect(goalMet(sub.s.goal, s())).toBe(true);
      expect(lessonFacts(s()).merges('task_arithmetic')).toHaveLength(taRuns);
      expect(sub.s.notice(lessonFacts(s()))).toMatch(/^Merged on their own, waves and scans keep \d+\.\d % of their experts' accuracy; in your merge of all 3 tasks they kept \d+\.\d %\.$/);
      s().setTaskSubset(null);
    });

    it('sweep and analytics', async () => {
      const [sweep] = goals('sweep');
      expect(goalMet(sweep.s.goal, s())).toBe(false);
      for (const lambda of [0.1, 0.5, 1]) await s().setSweepLambda(lambda);
      expect(goalMet(sweep.s.goal, s())).toBe(true);
      expect(sweep.s.notice(lessonFacts(s()))).toMatch(/Of the 3 λ tried, λ = \d\.\d\d scored best/);
      const [an] = goals('analytics');
      await s().runAnalytics();
      expect(goalMet(an.s.goal, s())).toBe(true);
      expect(an.s.notice(lessonFacts(s()))).toMatch(/% of all weights have task-vector values of both signs/);
    });

    it('train (each correction and variant)', async () => {
      s().setTrainLimit(8);
      s().setEvalEvery(0);
      const trains = goals('train');
      expect(new Set(trains.map((t) => (t.s.goal as { correction: string }).correction))).toEqual(new Set(['surgery', 'intervmerge', 'tinting']));
      for (const { lesson, k, s: step } of trains) {
        const g = step.goal as Extract<Goal, { kind: 'train' }>;
        s().setCorrection(g.correction);
        for (const [p, v] of Object.entries(g.where ?? {})) s().setCorrectionParam(p, v);
        s().setCorrectionParam('iterations', 1);
        if (g.correction !== 'tinting') s().setCorrectionParam('rank', 1);
        expect(goalMet(g, s())).toBe(false);
        await s().startTraining();
        expect(s().train.job, `${lesson} step ${k + 1}`).toEqual({ status: 'idle' });
        expect(goalMet(g, s()), `${lesson} step ${k + 1}`).toBe(true);
        expect(step.notice(lessonFacts(s()))).toMatch(/\d+\.\d %/);
      }
    }, 120_000);

    it('bias (with the corrected run beside its base)', async () => {
      const bias = goals('bias');
      expect(bias.map((b) => b.s.goal)).toEqual([{ kind: 'bias' }, { kind: 'bias', corrected: true }]);
      for (const b of bias) expect(goalMet(b.s.goal, s())).toBe(false);
      s().setExplorerLimit(8);
      await s().measureBias();
      expect(s().explorer.bias.status).toBe('done');
      for (const { lesson, k, s: step } of bias) {
        expect(goalMet(step.goal, s()), `${lesson} step ${k + 1}`).toBe(true);
        expect(step.notice(lessonFacts(s())), `${lesson} step ${k + 1}`).toMatch(/mean L1 bias .*\d\.\d{3}/);
      }
      // A new merge is a new question: the old report no longer counts.
      await s().runMerge();
      expect(goalMet(bias[0].s.goal, s())).toBe(false);
    }, 60_000);
  });
});

describe('what to notice: a merge against the pretrained model', () => {
  it('says by how many points, and on which side, a merge lands from the pretrained model', () => {
    // The shipped zoo's averages (docs/zoo.md): TA λ 0.3 35.83, pretrained 26.33 → 9.5 above.
    expect(versusPretrained(35.83, 26.33)).toBe('9.5 points above the pretrained model (26.3 %)');
    // The first zoo's: TA 35.5 against pretrained 41.6 → 6.1 below.
    expect(versusPretrained(35.5, 41.6)).toBe('6.1 points below the pretrained model (41.6 %)');
    expect(versusPretrained(30.04, 30)).toBe('level with the pretrained model (30.0 %)');
  });
});
