/**
 * Lesson 4 — representation bias (Yang et al., ICML 2024, "Representation Surgery",
 * arXiv:2402.02705): what a Task Arithmetic merge's accuracy loses per task, then its bias to each
 * expert measured layer by layer in the bias explorer. No deviation from the paper.
 */
import { getTrainedMethod } from '../engine/catalogue';
import { formatPct } from '../format/format';
import type { Lesson } from './types';

const HIDE = 'hide=models,train,runs,sweep,analytics';
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
      title: 'Measure the bias, layer by layer',
      explain: 'The bias explorer measures it directly: for each task, the mean |h_merged − h_expert| of the CLS token after every block and of the final features z, on the same images. The pretrained model is measured too, as the model before any task vector. The Surgery paper finds this bias in every merging method it examines — and corrects it directly, as the next lesson does.',
      source: SURGERY,
      setup: `v=1&suite=demo&m=task_arithmetic&p.lambda=0.3&eval=100&${HIDE}`,
      task: 'Press "Measure bias" in the Bias explorer panel (it compares your Task Arithmetic merge with the experts).',
      goal: { kind: 'bias' },
      notice: (f) => {
        const b = f.bias;
        if (!b) return null;
        const z = b.report.layers.indexOf('z');
        const perTask = b.report.tasks.map((t, i) => ({ t, v: b.report.l1[b.base][i][z] }));
        const hi = perTask.reduce((a, c) => (c.v > a.v ? c : a));
        const lo = perTask.reduce((a, c) => (c.v < a.v ? c : a));
        const mean = b.report.meanL1[b.base];
        return `At the final features z the merge's mean L1 bias is ${mean[z].toFixed(3)} (after the first block ${mean[1].toFixed(3)}): largest on ${hi.t} (${hi.v.toFixed(3)}), smallest on ${lo.t} (${lo.v.toFixed(3)}).`;
      },
    },
  ],
};
