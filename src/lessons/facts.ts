/**
 * What the lessons read from the lab's state (pure): the evaluated merge runs and training runs
 * with their averages, the λ sweep, the task-vector analytics; and whether a step's goal is met.
 * The numbers quoted in "what to notice" are the learner's own.
 */
import type { ParamValue } from '../engine/merge/types';
import type { MergeRun } from '../state/slices/suite-merge-slices';
import type { LabState } from '../state/store';
import { explorerQuestion, explorerRuns } from '../state/slices/explorer';
import type { BiasReport, EvalReport, TaskVectorAnalytics } from '../worker/api';
import type { Goal } from './types';

export interface RunFact {
  label: string;
  params: Readonly<Record<string, ParamValue>>;
  /** Average accuracy (%) and normalised accuracy (% of the experts') over the scored tasks. */
  avg: number;
  norm: number | null;
  report: EvalReport;
}

export interface TrainFact extends RunFact {
  extraParams: number;
  /** The run's base merge method. */
  base: string;
}

export interface Facts {
  suite: { name: string; tasks: number } | null;
  /** Evaluated merge runs of all the suite's tasks, of a method whose parameters include `where`, oldest first. */
  merges(method: string, where?: Readonly<Record<string, ParamValue>>): RunFact[];
  /** Evaluated merges of a task subset, oldest first. */
  subsetMerges(): RunFact[];
  /** Finished training runs with this correction (its parameters including `where`), oldest first. */
  trained(correction: string, where?: Readonly<Record<string, ParamValue>>): TrainFact[];
  sweep: readonly { lambda: number; merged: number }[];
  analytics: TaskVectorAnalytics | null;
  /** The bias explorer's report on the runs it compares now, with the base's and the corrected run's rows. */
  bias: { report: BiasReport; base: number; corrected: number | null } | null;
  /** Pretrained and individual averages of the latest evaluated merge run of all tasks. */
  refs: { pretrained: number; individual: number } | null;
}

const includes = (params: Readonly<Record<string, ParamValue>>, where?: Readonly<Record<string, ParamValue>>) =>
  !where || Object.entries(where).every(([k, v]) => params[k] === v);

const fact = (label: string, params: Readonly<Record<string, ParamValue>>, report: EvalReport): RunFact =>
  ({ label, params, avg: report.average.merged?.accuracy ?? NaN, norm: report.average.merged?.normalized ?? null, report });

export function lessonFacts(s: LabState): Facts {
  const info = s.suite.status === 'ready' ? s.suite.info : null;
  const evaluated = s.merge.runs.flatMap((r) => (r.report.status === 'done' ? [{ run: r, report: r.report.result }] : []));
  const isSubset = (r: MergeRun) => !!info && r.merged.tasks.length < info.tasks.length;
  const done = evaluated.filter(({ run }) => !isSubset(run));
  const last = done.at(-1)?.report;
  return {
    suite: info ? { name: info.name, tasks: info.tasks.length } : null,
    merges: (method, where) => done.filter(({ run }) => run.merged.method === method && includes(run.merged.params, where)).map(({ run, report }) => fact(run.label, run.merged.params, report)),
    subsetMerges: () => evaluated.filter(({ run }) => isSubset(run)).map(({ run, report }) => fact(run.label, run.merged.params, report)),
    trained: (correction, where) => s.train.runs
      .filter((r) => r.result.correction?.method === correction && includes(r.result.correction.params, where))
      .map((r) => ({ ...fact(r.label, r.result.correction!.params, r.result.report), extraParams: r.result.extraParams, base: r.result.merge.method })),
    sweep: s.sweep.history,
    analytics: s.analytics.task.status === 'done' ? s.analytics.task.result : null,
    bias: currentBias(s),
    refs: last ? { pretrained: last.average.pretrained.accuracy, individual: last.average.individual.accuracy } : null,
  };
}

function currentBias(s: LabState): Facts['bias'] {
  const b = s.explorer.bias;
  if (b.status !== 'done' || b.result.question !== explorerQuestion(s, 'bias')) return null;
  const { base, corrected } = explorerRuns(s);
  const row = (label: string | undefined) => b.result.models.findIndex((m) => m.label === label);
  return row(base?.label) < 0 ? null : { report: b.result, base: row(base?.label), corrected: corrected && row(corrected.label) >= 0 ? row(corrected.label) : null };
}

/** Whether the lab's state meets a goal ('look' goals are met by the learner's Done). */
export function goalMet(goal: Goal, s: LabState): boolean {
  const f = lessonFacts(s);
  switch (goal.kind) {
    case 'suite': return f.suite !== null;
    case 'merge': {
      const runs = f.merges(goal.method, goal.where);
      const count = goal.distinct ? new Set(runs.map((r) => r.params[goal.distinct!])).size : runs.length;
      return count >= (goal.runs ?? 1);
    }
    case 'subset': return f.subsetMerges().length > 0;
    case 'sweep': return f.sweep.length >= goal.points;
    case 'analytics': return f.analytics !== null;
    case 'bias': return f.bias !== null && (!goal.corrected || f.bias.corrected !== null);
    case 'train': return f.trained(goal.correction, goal.where).length > 0;
    case 'look': return false;
  }
}
