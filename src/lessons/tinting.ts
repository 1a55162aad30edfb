/**
 * Lesson 7 — Model Tinting and pseudo-labels (Jung et al., 2024, arXiv:2412.19098): layer-wise
 * merge coefficients plus
 * one task-specific layer (the head) trained with cross-entropy on the experts' argmax labels,
 * with and without the confidence filter (Tinting++). Deviation: the quick teaching schedule
 * (40 iterations) on the first 100 images per task.
 */
import { getTrainedMethod } from '../engine/catalogue';
import { formatCount, formatPct } from '../format/format';
import type { Lesson } from './types';

const HIDE = 'hide=models,sweep,analytics';
const PAPER = getTrainedMethod('tinting').paper;
const BASE = 'v=1&suite=demo&m=task_arithmetic&eval=100&tb=task_arithmetic&tc=tinting&preset=quick&tlimit=100&cp.layer=head';

export const tinting: Lesson = {
  id: 'tinting',
  title: 'Tinting and pseudo-labels',
  steps: [
    {
      title: 'Tint the heads',
      explain: 'Model Tinting trains two things together: the layer-wise merge coefficients (one per parameter tensor and task, starting at 0.3, clamped to [0, 1]) and one task-specific layer per task, by default a trainable copy of the task\'s head. There are no labels: the loss is cross-entropy against the expert\'s prediction for each image, its pseudo-label.',
      source: PAPER,
      setup: `${BASE}&cp.filter=true&${HIDE}`,
      task: 'Press "Train and evaluate" (Model Tinting on the head, confidence filter on, quick schedule).',
      goal: { kind: 'train', correction: 'tinting', where: { filter: true } },
      notice: (f) => {
        const t = f.trained('tinting', { filter: true }).at(-1);
        return t && `Tinting scores ${formatPct(t.avg)} % (normalised ${formatPct(t.norm)} %) with ${formatCount(t.extraParams)} trained parameters.`;
      },
    },
    {
      title: 'Trust the confident one',
      explain: 'Pseudo-labels are sometimes wrong. The confidence filter (Tinting++) keeps an image when the merged model agrees with the expert, or when they disagree but the expert is the more confident of the two; otherwise the image is dropped from the step. Turn it off to see what it buys.',
      source: PAPER,
      setup: `${BASE}&cp.filter=false&${HIDE}`,
      task: 'Press "Train and evaluate" again, with the confidence filter off (already unticked).',
      goal: { kind: 'train', correction: 'tinting', where: { filter: false } },
      notice: (f) => {
        const off = f.trained('tinting', { filter: false }).at(-1);
        const on = f.trained('tinting', { filter: true }).at(-1);
        return off && `Without the filter: ${formatPct(off.avg)} %${on ? `; with it: ${formatPct(on.avg)} %` : ''}.`;
      },
    },
  ],
};
