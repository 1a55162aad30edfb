/**
 * TALL masks / Consensus merging — "Localizing Task Information for Improved Model Merging and
 * Compression" (Wang et al., ICML 2024). τ_MTL is the Task Arithmetic sum Σt τt or the TIES merge
 * (k 20 %, dis-sum). Task t's TALL mask mt = 1{|τt| > λt·|τ_MTL − τt|} marks the weights that
 * matter to it; the consensus mask keeps weights that k or more tasks use (k = 2 removes "selfish"
 * weights, k = 1 only unused ones): θ = θ0 + α · (m_cons ⊙ τ_MTL). The per-task retrieved models
 * θ0 + mt ⊙ τ_MTL are available from TaskVectorMerge.retrieved.
 */
import type { MergeMethod } from '../types';
import { baseField } from './fields';

export const consensus: MergeMethod = {
  id: 'consensus',
  label: 'Consensus (TALL masks)',
  paper: { title: 'Localizing Task Information for Improved Model Merging and Compression', url: 'https://arxiv.org/abs/2405.07813' },
  summary: 'Keeps only the weights of the merged task vector that at least k tasks rely on (by their TALL masks).',
  params: [
    { name: 'k', label: 'k (min. tasks)', type: 'integer', default: 2, min: 0, max: 64, step: 1, help: 'Keep a weight when at least k task masks select it (2 removes weights only one task uses, 1 only unused ones, 0 keeps all).' },
    { name: 'lambda_t', label: 'λt (mask)', type: 'number', default: 0.6, min: 0, max: 2, step: 0.05, help: 'TALL mask threshold: task t uses a weight when |τt| > λt · |τ_MTL − τt| (the paper picks λt from 0.2–0.6).' },
    { name: 'alpha', label: 'α (scaling)', type: 'number', default: 1, min: 0, max: 2, step: 0.05, help: 'θ = θ0 + α · (consensus mask ⊙ τ_MTL).' },
    baseField(),
  ],
  trainableParamCount: () => 0,
  plan: (p) => ({
    ...(p.base === 'ties' ? { trim: { k: 20 }, combine: { kind: 'ties', aggregate: 'sum' } as const } : { combine: { kind: 'sum' } as const }),
    consensus: { lambdaT: p.lambda_t as number, k: p.k as number },
    scale: p.alpha as number,
  }),
};
