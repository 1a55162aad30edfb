/**
 * TIES-Merging — "TIES-Merging: Resolving Interference When Merging Models" (Yadav et al.,
 * NeurIPS 2023). Per task keep the top k % of |τt| over the whole flattened model (a global
 * threshold per task), elect a sign per entry by the mass of the trimmed values (exact zeros take
 * the model-wide majority sign), merge only the entries that agree with it — summed (dis-sum, the
 * lineage's default, with λ 0.3) or averaged over the agreeing non-zero entries (dis-mean, the
 * paper's, with λ ≈ 1) — and add λ times the result to θ0.
 * Threshold as the reference's topk_values_mask: the (⌊N·k/100⌋+1)-th largest |τt|, ties kept.
 */
import type { MergeMethod } from '../types';
import { lambdaField, trimField } from './fields';

export const ties: MergeMethod = {
  id: 'ties',
  label: 'TIES-Merging',
  paper: { title: 'TIES-Merging: Resolving Interference When Merging Models', url: 'https://arxiv.org/abs/2306.01708' },
  summary: 'Trims each task vector to its largest k %, elects a sign per weight and merges only the agreeing entries.',
  params: [
    trimField(),
    lambdaField(0.3, [{ if: { aggregate: 'mean' }, value: 1 }]),
    {
      name: 'aggregate', label: 'Disjoint merge', type: 'enum', default: 'sum', options: ['sum', 'mean'],
      help: 'How the agreeing entries are combined: sum (dis-sum, use λ ≈ 0.3) or mean over the agreeing non-zero entries (dis-mean, the TIES paper, use λ ≈ 1).',
    },
  ],
  trainableParamCount: () => 0,
  fusionBench: (p) => ({ method: 'ties_merging', overrides: [['scaling_factor', String(p.lambda)], ['threshold', String(p.k)], ['merge_func', String(p.aggregate)]], notes: [] }),
  plan: (p) => ({
    trim: { k: p.k as number },
    combine: { kind: 'ties', aggregate: p.aggregate as 'sum' | 'mean' },
    scale: p.lambda as number,
  }),
};
