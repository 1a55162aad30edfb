/**
 * Lesson 6 — interventions and mini-interventions (IntervMerge, Osial et al., SDM 2025):
 * per task and block, Φ(h) = h + W2ᵀ((W1h + b1) − (W2h + b2)) on the CLS attention output,
 * trained with L1 to the expert's z; then the mini variant on a slice of s = D/12 coordinates.
 * Deviation: the quick teaching schedule (20 iterations) on the first 100 images per task.
 */
import { getTrainedMethod } from '../engine/catalogue';
import { formatCount, formatPct } from '../format/format';
import type { Lesson } from './types';

const HIDE = 'hide=models,sweep,analytics';
const PAPER = getTrainedMethod('intervmerge').paper;
const BASE = 'v=1&suite=demo&m=task_arithmetic&eval=100&tb=task_arithmetic&tc=intervmerge&preset=quick&tlimit=100';

export const interventions: Lesson = {
  id: 'interventions',
  title: 'Interventions and mini-interventions',
  steps: [
    {
      title: 'Interventions inside the blocks',
      explain: 'Surgery corrects only the final features. IntervMerge edits the merged model inside every transformer block: on the output of the attention sub-layer, before the residual add, at the CLS position only, each task gets Φ(h) = h + W2ᵀ((W1h + b1) − (W2h + b2)) with rank r = 1. The merge stays frozen; Φ is trained with an L1 loss to the expert\'s features.',
      source: PAPER,
      setup: `${BASE}&cp.variant=full&${HIDE}`,
      task: 'Press "Train and evaluate" (Task Arithmetic + IntervMerge, full variant, quick schedule).',
      goal: { kind: 'train', correction: 'intervmerge', where: { variant: 'full' } },
      notice: (f) => {
        const t = f.trained('intervmerge', { variant: 'full' }).at(-1);
        if (!t) return null;
        const s = f.trained('surgery').at(-1);
        return `TA + IntervMerge scores ${formatPct(t.avg)} % with ${formatCount(t.extraParams)} extra parameters${s ? `; TA + Surgery scored ${formatPct(s.avg)} % with ${formatCount(s.extraParams)}` : ''}.`;
      },
    },
    {
      title: 'Mini-interventions',
      explain: 'A mini-intervention applies Φ only to a slice of s coordinates of the CLS vector (s = D/12 by default) and lets the rest pass through: 2·(s + 1)·r parameters per block and task instead of (2D + 2)·r. For ViT-B/32 with 8 tasks that is 12,480 parameters instead of 147,648.',
      source: PAPER,
      setup: `${BASE}&cp.variant=mini&${HIDE}`,
      task: 'Press "Train and evaluate" again, now with the mini variant (already selected).',
      goal: { kind: 'train', correction: 'intervmerge', where: { variant: 'mini' } },
      notice: (f) => {
        const mini = f.trained('intervmerge', { variant: 'mini' }).at(-1);
        const full = f.trained('intervmerge', { variant: 'full' }).at(-1);
        if (!mini) return null;
        return `Mini: ${formatPct(mini.avg)} % with ${formatCount(mini.extraParams)} extra parameters${full ? `; full: ${formatPct(full.avg)} % with ${formatCount(full.extraParams)} (${(full.extraParams / mini.extraParams).toFixed(1)}× as many)` : ''}.`;
      },
    },
  ],
};
