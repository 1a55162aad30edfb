/**
 * Representation Surgery's catalogue entry (Yang et al., ICML 2024, arXiv:2402.02705): a
 * correction on any base merge. The implementation is trained/surgery.ts.
 */
import { iterationsField, lrField, rankField } from '../fields';
import type { TrainedDescriptor } from '../types';

export const surgery: TrainedDescriptor = {
  id: 'surgery',
  kind: 'correction',
  label: 'Representation Surgery',
  paper: { title: 'Representation Surgery for Multi-Task Model Merging', url: 'https://arxiv.org/abs/2402.02705' },
  summary: 'Learns a small per-task module that subtracts the merged model\'s representation bias from its final feature, trained to match the expert\'s feature.',
  params: [rankField(16, 'the per-task down/up projection'), iterationsField(500, 'iterations (each: every task, 2 batches of 16, a step per batch)'), lrField(1e-3)],
  quick: { iterations: 50 },
  trainableParamCount: (p, config, tasks) => 2 * (config.projectionDim ?? config.hiddenSize) * (p.rank as number) * tasks.length,
  totalSteps: (p, T) => (p.iterations as number) * 2 * T,
};
