/**
 * DARE — "Language Models are Super Mario: Absorbing Abilities from Homologous Models as a Free
 * Lunch" (Yu et al., ICML 2024). Per task vector and element: drop with probability p, else keep
 * and (with rescale) multiply by 1/(1 − p); then merge with Task Arithmetic (λ 0.3) or TIES
 * (λ 0.5, k 20 %, dis-sum). Seeded: the mask depends only on (seed, task, tensor), so the TIES
 * scan and merge passes draw the same mask. Scope: all tensors, or only the linear layers'
 * weight matrices (q/k/v/out projections, fc1, fc2, visual_projection), as the paper does.
 */
import type { MergeMethod } from '../types';
import { baseField, lambdaField, trimField, whenBase } from './fields';

export const dare: MergeMethod = {
  id: 'dare',
  label: 'DARE',
  paper: { title: 'Language Models are Super Mario: Absorbing Abilities from Homologous Models as a Free Lunch', url: 'https://arxiv.org/abs/2311.03099' },
  summary: 'Randomly drops a fraction p of every task vector and rescales the rest, then merges with Task Arithmetic or TIES.',
  params: [
    { name: 'p', label: 'p (drop rate)', type: 'number', default: 0.5, min: 0, max: 0.99, step: 0.01, help: 'Probability of dropping each task-vector entry.' },
    baseField(),
    lambdaField(0.3, [whenBase('ties', 0.5)]),
    { ...trimField(), help: 'TIES trim after dropping (base = ties only): keep the k % largest |τt| over the whole model.' },
    { name: 'rescale', label: 'Rescale', type: 'boolean', default: true, help: 'Multiply kept entries by 1/(1 − p), so each task vector keeps its expected value.' },
    { name: 'scope', label: 'Drop in', type: 'enum', default: 'all', options: ['all', 'linear'], help: 'all: every tensor; linear: only the weight matrices of linear layers (the paper\'s choice).' },
    { name: 'seed', label: 'Seed', type: 'integer', default: 0, min: 0, max: 2147483647, step: 1, help: 'Seed of the random drop masks (same seed, same merge).' },
  ],
  trainableParamCount: () => 0,
  fusionBench: (p) => {
    const dare: [string, string][] = [['scaling_factor', String(p.lambda)], ['sparsity_ratio', String(p.p)], ['only_on_linear_weights', String(p.scope === 'linear')], ['rescale', String(p.rescale)]];
    const notes = [`DARE seed ${String(p.seed)} → seed=${String(p.seed)}: PyTorch draws other masks, so the result matches in distribution, not bit for bit.`];
    if (p.base === 'ties') return { method: 'dare/ties_merging', overrides: [...dare, ['threshold', String(p.k)], ['merge_func', String(p.aggregate)]], notes };
    return { method: 'dare/task_arithmetic', overrides: dare, notes };
  },
  plan: (p) => ({
    dare: { p: p.p as number, rescale: p.rescale as boolean, scope: p.scope as 'all' | 'linear', seed: p.seed as number },
    ...(p.base === 'ties' ? { trim: { k: p.k as number }, combine: { kind: 'ties', aggregate: 'sum' } as const } : { combine: { kind: 'sum' } as const }),
    scale: p.lambda as number,
  }),
};
