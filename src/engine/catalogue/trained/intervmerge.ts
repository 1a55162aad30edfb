/**
 * IntervMerge's catalogue entry (Osial et al., SDM 2025, arXiv:2412.17023): per-task LoReFT-form
 * interventions on a merged model. The trainable count per block is pure arithmetic, so it lives
 * here; the implementation is trained/intervmerge.ts.
 */
import { iterationsField, lrField, rankField } from '../fields';
import type { TrainedDescriptor } from '../types';

export type Variant = 'full' | 'mini' | 'tiled';

/** The mini/tiled slice width s = ⌊D/12⌋ (64 of 768 for ViT-B/32), at least 1. */
export const sliceWidth = (D: number) => Math.max(1, Math.floor(D / 12));

/** Trainable values per block and task. */
function perBlock(variant: Variant, D: number, r: number): number {
  const s = sliceWidth(D);
  return variant === 'full' ? (2 * D + 2) * r : variant === 'mini' ? 2 * (s + 1) * r : (s + 1) * r;
}

export const intervmerge: TrainedDescriptor = {
  id: 'intervmerge',
  kind: 'correction',
  label: 'IntervMerge',
  paper: { title: 'Parameter-Efficient Interventions for Enhanced Model Merging', url: 'https://arxiv.org/abs/2412.17023' },
  summary: 'Adds a tiny learned edit of the CLS attention output in every block, per task, trained so the merged model\'s feature matches the expert\'s.',
  params: [
    rankField(1, 'each intervention'),
    {
      name: 'variant', label: 'Variant', type: 'enum', default: 'full', options: ['full', 'mini', 'tiled'],
      help: 'full: edit all D coordinates of the CLS attention output. mini: only the first D/12. tiled: block l adds a learned vector to its own slice [l·D/12, (l+1)·D/12).',
    },
    iterationsField(500, 'iterations (each: every task, 2 batches of 16, a step per batch)'),
    lrField(1e-3),
    { name: 'trainCoefficients', label: 'Train merge coefficients too', type: 'boolean', default: false, help: 'With an AdaMerging base: keep training its coefficients jointly with the interventions (same L1 loss). Ignored for other bases.' },
  ],
  quick: { iterations: 20 },
  trainableParamCount: (p, config, tasks) => perBlock(p.variant as Variant, config.hiddenSize, p.rank as number) * config.numLayers * tasks.length,
  totalSteps: (p, T) => (p.iterations as number) * 2 * T,
};
