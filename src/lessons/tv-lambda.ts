/**
 * Lesson 2 — task vectors and λ: Task Arithmetic (Ilharco et al., ICLR 2023, arXiv:2212.04089),
 * θ = θ0 + λ Σt τt at the lineage's λ = 0.3, then the λ slider (capped scoring) and a full
 * evaluation at the learner's λ. No deviation from the paper.
 */
import { getMethod } from '../engine/merge/registry';
import { formatPct } from '../format/format';
import type { Lesson } from './types';
import { versusPretrained } from './notice';

const HIDE = 'hide=models,train,analytics';
const TA = getMethod('task_arithmetic').paper;

export const tvLambda: Lesson = {
  id: 'tv-lambda',
  title: 'Task vectors and λ',
  steps: [
    {
      title: 'Task vectors',
      explain: 'A task vector is what fine-tuning changed: τt = θt − θ0, the expert\'s weights minus the pretrained ones. Task Arithmetic adds the task vectors back to the pretrained weights with one scale: θ = θ0 + λ Σt τt. For eight tasks the literature uses λ = 0.3; the paper picks λ on held-out data.',
      source: TA,
      setup: `v=1&suite=demo&m=task_arithmetic&p.lambda=0.3&eval=100&${HIDE}`,
      task: 'Press "Merge and evaluate" (Task Arithmetic, λ = 0.3).',
      goal: { kind: 'merge', method: 'task_arithmetic' },
      notice: (f) => {
        const r = f.merges('task_arithmetic').at(-1);
        if (!r || !f.refs) return null;
        const avg = f.merges('average').at(-1);
        return `Task Arithmetic at λ ${r.params.lambda} scored ${formatPct(r.avg)} % on average (${formatPct(r.norm)} % of the experts' ${formatPct(f.refs.individual)} %): ${versusPretrained(r.avg, f.refs.pretrained)}${avg ? `; weight averaging scored ${formatPct(avg.avg)} %` : ''}.`;
      },
    },
    {
      title: 'Drag λ',
      explain: 'λ sets how far the merge moves from the pretrained model along the summed task vectors. λ = 0 is the pretrained model itself; a small λ adds too little of each task; a large one overshoots, and the tasks\' vectors push each other\'s weights too far. The slider re-merges and re-scores on a class-stratified sample of 64 test images per task while you drag.',
      source: TA,
      setup: `v=1&suite=demo&m=task_arithmetic&eval=100&${HIDE}`,
      task: 'Drag the λ slider to at least three values, for example 0.1, 0.5 and 1.0, and wait for each score.',
      goal: { kind: 'sweep', points: 3 },
      notice: (f) => {
        if (f.sweep.length < 2) return null;
        const best = f.sweep.reduce((a, b) => (b.merged > a.merged ? b : a));
        const worst = f.sweep.reduce((a, b) => (b.merged < a.merged ? b : a));
        return `Of the ${f.sweep.length} λ tried, λ = ${best.lambda.toFixed(2)} scored best (${formatPct(best.merged)} %) and λ = ${worst.lambda.toFixed(2)} worst (${formatPct(worst.merged)} %), on 64 images per task.`;
      },
    },
    {
      title: 'Evaluate your λ in full',
      explain: 'Scores on 64 images per task are quick but noisy. Score the λ you picked on the same 100 images per task as the first merge, so the two runs compare fairly in the table.',
      source: TA,
      setup: `v=1&suite=demo&m=task_arithmetic&eval=100&${HIDE}`,
      task: 'Set the slider to your best λ and press "Full evaluation at λ = …" in the λ panel.',
      goal: { kind: 'merge', method: 'task_arithmetic', runs: 2 },
      notice: (f) => {
        const runs = f.merges('task_arithmetic');
        if (runs.length < 2) return null;
        const [a, b] = [runs[0], runs[runs.length - 1]];
        return `Task Arithmetic went from ${formatPct(a.avg)} % at λ ${a.params.lambda} to ${formatPct(b.avg)} % at λ ${b.params.lambda} (normalised ${formatPct(a.norm)} → ${formatPct(b.norm)} %). Choosing λ on the test images themselves, as here, flatters the result; the paper uses held-out data.`;
      },
    },
  ],
};
