/**
 * TALL masks / Consensus merging — "Localizing Task Information for Improved Model Merging and
 * Compression" (Wang et al., ICML 2024). τ_MTL is the Task Arithmetic sum Σt τt or the TIES merge
 * (k 20 %, dis-sum). Task t's TALL mask mt = 1{|τt| > λt·|τ_MTL − τt|} marks the weights that
 * matter to it; the consensus mask keeps weights that k or more tasks use (k = 2 removes "selfish"
 * weights, k = 1 only unused ones): θ = θ0 + α · (m_cons ⊙ τ_MTL). α defaults to the scaling the
 * base uses (arXiv 2405.07813 §4: consensus replaces the base's τ_MTL and keeps its scaling):
 * 0.3 for Task Arithmetic and for TIES dis-sum, 1 for TIES dis-mean. The TIES base takes the
 * user's TIES settings (trim `ties_k` %, `aggregate`). The per-task retrieved models
 * θ0 + mt ⊙ τ_MTL (no α: it reconstructs τt) come from TaskVectorMerge.retrieved.
 */
import type { MergeMethod } from '../types';
import { baseField, trimField } from './fields';

export const consensus: MergeMethod = {
  id: 'consensus',
  label: 'Consensus (TALL masks)',
  paper: { title: 'Localizing Task Information for Improved Model Merging and Compression', url: 'https://arxiv.org/abs/2405.07813' },
  summary: 'Keeps only the weights of the merged task vector that at least k tasks rely on (by their TALL masks).',
  params: [
    { name: 'k', label: 'k (min. tasks)', type: 'integer', default: 2, min: 0, max: 64, step: 1, help: 'Keep a weight when at least k task masks select it (2 removes weights only one task uses, 1 only unused ones, 0 keeps all).' },
    { name: 'lambda_t', label: 'λt (mask)', type: 'number', default: 0.6, min: 0, max: 2, step: 0.05, help: 'TALL mask threshold: task t uses a weight when |τt| > λt · |τ_MTL − τt| (the paper picks λt from 0.2–0.6).' },
    {
      name: 'alpha', label: 'α (scaling)', type: 'number', default: 0.3, min: 0, max: 2, step: 0.05, defaultWhen: [{ if: { base: 'ties', aggregate: 'mean' }, value: 1 }],
      help: 'θ = θ0 + α · (consensus mask ⊙ τ_MTL). Defaults to the base\'s own scaling: 0.3 (Task Arithmetic, TIES dis-sum), 1 (TIES dis-mean).',
    },
    baseField(),
    { ...trimField(), name: 'ties_k', label: 'k (% kept, TIES base)', help: 'TIES base only: per task, keep the k % of task-vector entries with the largest magnitude over the whole model.' },
    {
      name: 'aggregate', label: 'Disjoint merge (TIES base)', type: 'enum', default: 'sum', options: ['sum', 'mean'],
      help: 'TIES base only: sum the agreeing entries (dis-sum, α 0.3) or average them (dis-mean, α 1).',
    },
  ],
  trainableParamCount: () => 0,
  plan: (p) => ({
    ...(p.base === 'ties' ? { trim: { k: p.ties_k as number }, combine: { kind: 'ties', aggregate: p.aggregate as 'sum' | 'mean' } as const } : { combine: { kind: 'sum' } as const }),
    consensus: { lambdaT: p.lambda_t as number, k: p.k as number },
    scale: p.alpha as number,
  }),
};
