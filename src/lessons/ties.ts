/**
 * Lesson 3 — interference and TIES (Yadav et al., NeurIPS 2023, arXiv:2306.01708): the task-vector
 * analytics (cosine, sign conflicts per layer), TIES at k 20 / λ 0.3 / dis-sum, another k, and
 * Task Arithmetic on a 2-task subset against the full merge. No deviation from the paper.
 */
import { getMethod } from '../engine/merge/registry';
import { formatPct } from '../format/format';
import type { Lesson } from './types';

const HIDE = 'hide=models,train,sweep';
const TIES = getMethod('ties').paper;

export const ties: Lesson = {
  id: 'ties',
  title: 'Interference and TIES',
  steps: [
    {
      title: 'Interference',
      explain: 'Task vectors interfere: where two tasks move the same weight in opposite directions, their sum cancels both changes, and many small, redundant changes dilute the important ones. The Task vectors panel measures it: the cosine similarity of every pair of task vectors, and per layer the share of weights whose task-vector values have both signs.',
      source: TIES,
      setup: `v=1&suite=demo&m=ties&eval=100&${HIDE}`,
      task: 'Press "Analyse task vectors" in the Task vectors panel.',
      goal: { kind: 'analytics' },
      notice: (f) => {
        const a = f.analytics;
        if (!a) return null;
        const off = a.cosine.flatMap((row, i) => row.filter((_, j) => j !== i));
        const mean = off.reduce((x, y) => x + y, 0) / Math.max(off.length, 1);
        const rate = a.overall.entries ? (100 * a.overall.conflicts) / a.overall.entries : 0;
        return `${formatPct(rate)} % of all weights have task-vector values of both signs, and two task vectors have a cosine of ${mean.toFixed(2)} on average (0 would be orthogonal).`;
      },
    },
    {
      title: 'TIES-Merging',
      explain: 'TIES resolves interference in three steps: trim each task vector to its top k % entries by magnitude over the whole model (k = 20), elect one sign per weight from the summed values, and merge only the entries that agree with that sign (here their sum, with λ = 0.3). Small and conflicting changes no longer cancel the large ones.',
      source: TIES,
      setup: `v=1&suite=demo&m=ties&p.k=20&eval=100&${HIDE}`,
      task: 'Press "Merge and evaluate" (TIES, k = 20).',
      goal: { kind: 'merge', method: 'ties', where: { k: 20 } },
      notice: (f) => {
        const r = f.merges('ties', { k: 20 }).at(-1);
        if (!r) return null;
        const ta = f.merges('task_arithmetic').at(-1);
        return `TIES scored ${formatPct(r.avg)} % on average (normalised ${formatPct(r.norm)} %)${ta ? `; your last Task Arithmetic run scored ${formatPct(ta.avg)} %` : ''}.`;
      },
    },
    {
      title: 'How much to keep',
      explain: 'k sets how much of each task vector survives the trim. A small k keeps only the largest changes; k = 100 keeps everything, so only the sign election remains. The trim is global per task: the threshold is taken over the whole flattened model, not per tensor.',
      source: TIES,
      setup: `v=1&suite=demo&m=ties&eval=100&${HIDE}`,
      task: 'Set "k (% kept)" to 5 or to 100 and press "Merge and evaluate" again.',
      goal: { kind: 'merge', method: 'ties', runs: 2, distinct: 'k' },
      notice: (f) => {
        const runs = f.merges('ties');
        if (new Set(runs.map((r) => r.params.k)).size < 2) return null;
        return `Your TIES runs: ${runs.map((r) => `k ${r.params.k} → ${formatPct(r.avg)} %`).join(', ')}.`;
      },
    },
    {
      title: 'Fewer tasks, fewer conflicts',
      explain: 'Every task vector added to a merge is one more source of conflicting signs, so interference grows with the number of tasks merged. The task subset in the suite panel merges and scores only some of the tasks. Merge just two of them with Task Arithmetic and compare how much of their experts\' accuracy they keep with what they kept in the merge of all eight.',
      source: TIES,
      setup: `v=1&suite=demo&m=task_arithmetic&p.lambda=0.3&eval=100&t=signs&t=digits&${HIDE}`,
      task: 'Press "Merge and evaluate" (Task Arithmetic of signs and digits only, already chosen in the suite panel).',
      goal: { kind: 'subset' },
      notice: (f) => {
        const sub = f.subsetMerges().at(-1);
        if (!sub) return null;
        const tasks = Object.keys(sub.report.tasks);
        const full = f.merges('task_arithmetic').at(-1);
        const onThese = full && tasks.every((t) => full.report.tasks[t]?.merged?.normalized != null)
          ? tasks.reduce((a, t) => a + full.report.tasks[t].merged!.normalized!, 0) / tasks.length : null;
        return `Merged on their own, ${tasks.join(' and ')} keep ${formatPct(sub.norm)} % of their experts' accuracy${onThese !== null ? `; in your merge of all ${f.suite?.tasks} tasks they kept ${formatPct(onThese)} %` : ''}.`;
      },
    },
  ],
};
