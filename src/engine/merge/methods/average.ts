/**
 * Weight averaging — "Model soups: averaging weights of multiple fine-tuned models improves accuracy
 * without increasing inference time" (Wortsman et al., 2022), the uniform soup.
 * θ = (1/T) Σt θt, computed as θ0 + (1/T) Σt τt (the same number; the routine is shared).
 * No parameters, no data, no training. Deviation: none (every task counts, as in the paper's
 * uniform soup, arXiv:2203.05482).
 */
import type { MergeMethod } from '../types';

export const average: MergeMethod = {
  id: 'average',
  label: 'Weight averaging',
  paper: { title: 'Model soups: averaging weights of multiple fine-tuned models improves accuracy without increasing inference time', url: 'https://arxiv.org/abs/2203.05482' },
  summary: 'The mean of the experts\' weights (a uniform model soup). No parameters.',
  params: [],
  trainableParamCount: () => 0,
  fusionBench: () => ({ method: 'simple_average', overrides: [], notes: [] }),
  plan: () => ({ combine: { kind: 'sum' }, scale: 'mean' }),
};
