/**
 * Lesson 1 — why merge: eight experts of one pretrained tower, and the simplest merge (weight
 * averaging, Wortsman et al. 2022, "Model soups", arXiv:2203.05482) against the experts and the
 * pretrained model, absolute and normalised. No deviation from the paper.
 */
import { getMethod } from '../engine/merge/registry';
import { formatPct } from '../format/format';
import type { Lesson } from './types';
import { versusPretrained, worstTask } from './notice';

const HIDE = 'hide=models,train,sweep,analytics';

export const whyMerge: Lesson = {
  id: 'why-merge',
  title: 'Why merge?',
  steps: [
    {
      title: 'Eight experts, one pretrained model',
      explain: 'The demo zoo mini8 is a miniature of the standard 8-task CLIP benchmark (SUN397, Cars, RESISC45, EuroSAT, SVHN, GTSRB, MNIST, DTD): one pretrained vision tower and eight copies of it, each fine-tuned on one task. Serving them means keeping eight models. Model merging builds one model from their weights alone: no training data, no joint training.',
      source: getMethod('task_arithmetic').paper,
      setup: `v=1&suite=demo&eval=100&${HIDE}`,
      task: 'Press "Load demo (mini8 zoo)" in the Task suite panel (a lesson link loads it for you).',
      goal: { kind: 'suite' },
      notice: (f) => f.suite && `${f.suite.name}: ${f.suite.tasks} tasks, each with its own expert and its own classification head. The task is known at test time, so every task keeps its head; only the vision tower is shared.`,
    },
    {
      title: 'Average the weights',
      explain: 'The simplest merge is the mean of the experts: θ = (1/T) Σt θt. It works at all because models fine-tuned from the same pretrained weights stay close enough to be mixed. The merge is then scored on every task, next to the pretrained model and the experts.',
      source: getMethod('average').paper,
      setup: `v=1&suite=demo&m=average&eval=100&${HIDE}`,
      task: 'Press "Merge and evaluate" (it scores the first 100 test images of each task).',
      goal: { kind: 'merge', method: 'average' },
      notice: (f) => {
        const r = f.merges('average').at(-1);
        if (!r || !f.refs) return null;
        return `Averaging scored ${formatPct(r.avg)} % on average: ${versusPretrained(r.avg, f.refs.pretrained)}, while the experts score ${formatPct(f.refs.individual)} % on their own tasks. The merge keeps ${formatPct(r.norm)} % of the experts' accuracy (the "norm." column).`;
      },
    },
    {
      title: 'Read the table per task',
      explain: 'Normalised accuracy is the merge\'s accuracy on a task divided by that task\'s expert accuracy. The average hides how unevenly a merge serves the tasks: some keep nearly all their accuracy, others lose most of it.',
      source: getMethod('average').paper,
      setup: `v=1&suite=demo&m=average&eval=100&${HIDE}`,
      task: 'Find the task with the lowest "norm." value in the Accuracy per task table, then press Done.',
      goal: { kind: 'look' },
      notice: (f) => {
        const r = f.merges('average').at(-1);
        const w = r && worstTask(r.report);
        return w && `With averaging, ${w.worst.task} keeps only ${formatPct(w.worst.norm)} % of its expert's accuracy, while ${w.best.task} keeps ${formatPct(w.best.norm)} %. The next lessons are about closing that gap.`;
      },
    },
  ],
};
