/**
 * The lab's state ↔ the URL state (codec.ts): `urlStateOf` reads the controls out of the store,
 * `applyUrlState` sets them through the slices' own actions — the demo is loaded when the link
 * names it and it is not loaded already, and the task subset is applied once the suite is ready
 * (names the suite lacks are reported). Only the groups given are applied (a lesson step's setup
 * names the few it changes, and always replaces the hidden controls).
 */
import type { LabState } from '../slices/lab-state';
import type { UrlGroup, UrlState } from './codec';

type Get = () => LabState;
type SetState = (partial: (s: LabState) => Partial<LabState>) => void;

/** The URL state of the lab as it is now; `demoUrl` tells the demo from another served suite. */
export function urlStateOf(s: LabState, demoUrl: string): UrlState {
  const src = s.suite.source;
  const t = s.train;
  return {
    suite: src?.kind === 'url' && src.url === demoUrl ? { kind: 'demo' } : src?.kind === 'files' ? { kind: 'files', name: src.name } : null,
    merge: { method: s.merge.method, given: s.merge.given, evalLimit: s.merge.evalLimit },
    tasks: s.subset.tasks,
    lambda: s.sweep.lambda,
    train: { base: t.base, baseGiven: t.baseGiven, correction: t.correction, given: t.given, preset: t.preset, limit: t.limit, evalEvery: t.evalEvery },
    explorer: { limit: s.explorer.limit, budget: s.explorer.budget, ...s.explorerView },
    open: s.lesson.open ? ['lessons'] : [],
    lesson: s.lesson.id ? { id: s.lesson.id, step: s.lesson.step } : null,
    hidden: s.lesson.hidden,
  };
}

/**
 * Sets the given groups of `u` in the lab (lesson and open are the lesson slice's to apply).
 * Resolves once a suite it loads is ready; returns notices about the task subset.
 */
export async function applyUrlState(get: Get, set: SetState, u: UrlState, groups: readonly UrlGroup[], demoUrl: string): Promise<string[]> {
  const has = (g: UrlGroup) => groups.includes(g);
  const s = get();
  if (has('merge')) {
    s.setMethod(u.merge.method);
    for (const [k, v] of Object.entries(u.merge.given)) s.setParam(k, v);
  }
  if (has('evalLimit')) s.setEvalLimit(u.merge.evalLimit);
  if (has('train')) {
    s.setTrainBase(u.train.base);
    for (const [k, v] of Object.entries(u.train.baseGiven)) s.setTrainBaseParam(k, v);
    s.setCorrection(u.train.correction);
    for (const [k, v] of Object.entries(u.train.given)) s.setCorrectionParam(k, v);
    s.setPreset(u.train.preset);
    s.setTrainLimit(u.train.limit);
    s.setEvalEvery(u.train.evalEvery);
  }
  if (has('explorer')) {
    s.setExplorerLimit(u.explorer.limit);
    s.setExplorerBudget(u.explorer.budget);
    const { metric, task, colorBy, pair } = u.explorer;
    s.setExplorerView({ metric, task, colorBy, pair });
  }
  // The slider's position only: the sweep scores when the learner moves it.
  if (has('lambda')) set((st) => ({ sweep: { ...st.sweep, lambda: u.lambda } }));
  if (has('hidden')) set((st) => ({ lesson: { ...st.lesson, hidden: u.hidden } }));
  const src = get().suite.source;
  const demoOpen = src?.kind === 'url' && src.url === demoUrl && get().suite.status !== 'error';
  if (has('suite') && u.suite?.kind === 'demo' && !demoOpen) await get().loadDemo();
  if (!has('tasks')) return [];
  if (!u.tasks) {
    get().setTaskSubset(null);
    return [];
  }
  const info = get().suite.status === 'ready' ? get().suite.info : null;
  if (!info) return [`The link's task subset (${u.tasks.join(', ')}) waits for a suite: load one and choose the tasks again.`];
  const missing = u.tasks.filter((t) => !info.tasks.some((x) => x.name === t));
  const problem = get().setTaskSubset(u.tasks);
  return [
    ...(missing.length ? [`Link field "t": the suite ${info.name} has no task ${missing.map((t) => `"${t}"`).join(', ')}; ${missing.length > 1 ? 'they were' : 'it was'} left out.`] : []),
    ...(problem ? [`Link field "t": ${problem} Kept all tasks.`] : []),
  ];
}
