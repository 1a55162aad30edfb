/**
 * Lesson 4 — representation bias (Yang et al., ICML 2024, "Representation Surgery"; METHODS.md
 * §10): what the merge's image features lose against each expert's, read here from the per-task
 * accuracies of a Task Arithmetic merge. Deviation: the bias explorer panel is not in the page
 * yet, so the second step asks the learner to read the table and press Done.
 */
import { getTrainedMethod } from '../engine/correct/registry';
import { formatPct } from '../ui/format';
import { worstTask } from './notice';
import type { Lesson } from './types';

const HIDE = 'hide=models,train,sweep,analytics';
const SURGERY = getTrainedMethod('surgery').paper;

export const bias: Lesson = {
  id: 'bias',
  title: 'Representation bias',
  steps: [
    {
      title: 'The merge sees differently',
      explain: 'Each task\'s head is built for its expert\'s image features z. A merged model produces different features for the same image: the representation bias, measured as the mean |z_merged − z_expert| over the feature vector (also after every block). The larger it is, the less the head can rely on what it was built for.',
      source: SURGERY,
      setup: `v=1&suite=demo&m=task_arithmetic&p.lambda=0.3&eval=100&${HIDE}`,
      task: 'Press "Merge and evaluate" (Task Arithmetic, λ = 0.3).',
      goal: { kind: 'merge', method: 'task_arithmetic', where: { lambda: 0.3 } },
      notice: (f) => {
        const r = f.merges('task_arithmetic', { lambda: 0.3 }).at(-1);
        return r && `Task Arithmetic keeps ${formatPct(r.norm)} % of the experts' accuracy on average: the tasks share one set of features now, and no task gets exactly its expert's.`;
      },
    },
    {
      title: 'Where the bias hurts',
      explain: 'The pretrained column is the tower before any task vector; the merge sits between it and the expert. Where the merge is far below the expert, its features have drifted furthest from what that task\'s head expects. The Surgery paper finds this bias in every merging method it examines — and corrects it directly, as the next lesson does.',
      source: SURGERY,
      setup: `v=1&suite=demo&m=task_arithmetic&p.lambda=0.3&eval=100&${HIDE}`,
      task: 'Compare the pretrained, individual and merged columns of the task with the lowest "norm.", then press Done.',
      goal: { kind: 'look' },
      notice: (f) => {
        const r = f.merges('task_arithmetic', { lambda: 0.3 }).at(-1);
        const w = r && worstTask(r.report);
        if (!r || !w) return null;
        const row = r.report.tasks[w.worst.task];
        return `On ${w.worst.task} the expert scores ${formatPct(row.individual.accuracy)} %, the pretrained model ${formatPct(row.pretrained.accuracy)} % and the merge ${formatPct(row.merged?.accuracy)} %: that task's features moved furthest from its expert's.`;
      },
    },
  ],
};
