/**
 * Lesson 5 — Representation Surgery (Yang et al., ICML 2024, arXiv:2402.02705): a frozen Task
 * Arithmetic merge, then per task ẑ = z − U·ReLU(D·z) (r 16, U = 0 at init) trained with L1 to the
 * expert's features on unlabelled test images. Deviation: the quick teaching schedule (50
 * iterations instead of 500) on the first 100 images per task.
 */
import { getTrainedMethod } from '../engine/catalogue';
import { formatCount, formatPct } from '../format/format';
import type { Lesson } from './types';

const HIDE = 'hide=models,runs,sweep,analytics';
const SURGERY = getTrainedMethod('surgery').paper;
const SETUP = `v=1&suite=demo&m=task_arithmetic&eval=100&tb=task_arithmetic&tc=surgery&preset=quick&tlimit=100&${HIDE}`;

export const surgery: Lesson = {
  id: 'surgery',
  title: 'Representation Surgery',
  steps: [
    {
      title: 'A frozen merge to correct',
      explain: 'Surgery does not change the merged weights. It takes a merge as it is and corrects its output features afterwards, per task. First the merge it will sit on: Task Arithmetic at λ = 0.3, scored on the same 100 images per task that Surgery will train on.',
      source: SURGERY,
      setup: SETUP,
      task: 'Press "Merge and evaluate" (Task Arithmetic, first 100 images).',
      goal: { kind: 'merge', method: 'task_arithmetic' },
      notice: (f) => { const r = f.merges('task_arithmetic').at(-1); return r && `The frozen merge scores ${formatPct(r.avg)} % on average.`; },
    },
    {
      title: 'Train the surgery',
      explain: 'Per task, ẑ = z − U·ReLU(D·z) with D [r, P] and U [P, r], r = 16. U starts at zero, so the module starts as the identity. It is trained to bring ẑ close to the expert\'s features (L1 loss) on the task\'s unlabelled test images: the experts are the teachers and no labels are used.',
      source: SURGERY,
      setup: SETUP,
      task: 'Press "Train and evaluate" in the Train panel (Task Arithmetic + Representation Surgery, quick schedule).',
      goal: { kind: 'train', correction: 'surgery' },
      notice: (f) => {
        const t = f.trained('surgery').at(-1);
        if (!t) return null;
        const ta = f.merges('task_arithmetic').at(-1);
        return `TA + Surgery scores ${formatPct(t.avg)} % on average (normalised ${formatPct(t.norm)} %)${ta ? `, against ${formatPct(ta.avg)} % for Task Arithmetic alone` : ''}.`;
      },
    },
    {
      title: 'What it changed, and what it costs',
      explain: 'Surgery acts on the final features z only, so the bias explorer should show its bias at z pulled towards the experts while every block stays exactly as biased as its merge. The price is 2·P·r parameters per task (131,072 for ViT-B/32 with 8 tasks), tiny next to the model but task-specific: the task must be known at inference, as it is throughout this lab.',
      source: SURGERY,
      setup: SETUP,
      task: 'Press "Measure bias" in the Bias explorer panel (it compares the Surgery run with its Task Arithmetic base).',
      goal: { kind: 'bias', corrected: true },
      notice: (f) => {
        const b = f.bias;
        const t = f.trained('surgery').at(-1);
        if (!b || b.corrected === null || !t || !f.suite) return null;
        const z = b.report.layers.indexOf('z');
        const [base, corr] = [b.report.meanL1[b.base], b.report.meanL1[b.corrected]];
        return `At z the mean L1 bias went from ${base[z].toFixed(3)} (Task Arithmetic) to ${corr[z].toFixed(3)} with Surgery; after the last block it stays ${corr[z - 1].toFixed(3)}. It cost ${formatCount(t.extraParams)} extra parameters, ${formatCount(t.extraParams / f.suite.tasks)} per task.`;
      },
    },
  ],
};
