/**
 * Lesson 5 — Representation Surgery (Yang et al., ICML 2024; METHODS.md §7): a frozen Task
 * Arithmetic merge, then per task ẑ = z − U·ReLU(D·z) (r 16, U = 0 at init) trained with L1 to the
 * expert's features on unlabelled test images. Deviation: the quick teaching schedule (50
 * iterations instead of 500) on the first 100 images per task.
 */
import { getTrainedMethod } from '../engine/correct/registry';
import { formatCount, formatPct } from '../ui/format';
import type { Lesson } from './types';

const HIDE = 'hide=models,sweep,analytics';
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
      title: 'What it costs',
      explain: 'Surgery adds 2·P·r parameters per task (131,072 for ViT-B/32 with 8 tasks), tiny next to the model. They are task-specific, so the task must be known at inference, as it is throughout this lab.',
      source: SURGERY,
      setup: SETUP,
      task: 'Find the run in the accuracy table, right after its Task Arithmetic merge, then press Done.',
      goal: { kind: 'look' },
      notice: (f) => {
        const t = f.trained('surgery').at(-1);
        return t && f.suite && `This run trained ${formatCount(t.extraParams)} extra parameters: ${formatCount(t.extraParams / f.suite.tasks)} per task.`;
      },
    },
  ],
};
