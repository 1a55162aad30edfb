/**
 * AdaMerging's catalogue entry (Yang et al., ICLR 2024, arXiv:2310.02575): a trained base merge
 * that learns the task-vector coefficients by entropy minimisation; it can also run with given
 * coefficients. The implementation is trained/adamerging.ts.
 */
import { canonicalParams } from '../../model/clip-vit/names';
import { iterationsField, lrField } from '../fields';
import type { TrainedDescriptor } from '../types';

export const adamerging: TrainedDescriptor = {
  id: 'adamerging',
  kind: 'merge',
  importsCoefficients: true,
  label: 'AdaMerging',
  paper: { title: 'AdaMerging: Adaptive Model Merging for Multi-Task Learning', url: 'https://arxiv.org/abs/2310.02575' },
  summary: 'Learns the task-vector coefficients (per task, or per parameter tensor) by minimising the prediction entropy on unlabeled test images.',
  params: [
    {
      name: 'granularity', label: 'Granularity', type: 'enum', default: 'layer', options: ['task', 'layer'],
      help: 'task: one coefficient per task. layer: one per task and parameter TENSOR (199 for ViT-B/32 in HF naming without the projection, 200 with it; a tensor no expert changes, like the projection of experts that have none, gets no coefficient), not per transformer block.',
    },
    { name: 'plus', label: 'AdaMerging++', type: 'boolean', default: false, help: 'Merge the TIES-selected entries of each task vector (trimmed to the top k %, sign-agreeing) instead of the full task vectors.' },
    { name: 'k', label: 'k (% kept, ++)', type: 'number', default: 20, min: 1, max: 100, step: 1, help: 'TIES trim for AdaMerging++: the share of each task vector kept (global top-k by magnitude).' },
    iterationsField(500, 'iterations (each: 2 batches of 16 per task, one Adam step)'),
    lrField(1e-3),
  ],
  quick: { iterations: 60 },
  fusionBench: (p) => {
    if (p.plus) return { unsupported: 'AdaMerging++ (TIES-trimmed task vectors) has no FusionBench config.' };
    const name = p.granularity === 'task' ? 'clip_task_wise_adamerging' : 'clip_layer_wise_adamerging';
    return { method: 'adamerging/clip', overrides: [['name', name], ['lr', String(p.lr)]], notes: ['FusionBench counts AdaMerging in its own steps (max_steps, default 1000), not mergelab iterations: set method.max_steps for a shorter schedule.'] };
  },
  runLabel: (p, loaded) => `AdaMerging · ${String(p.granularity)}-wise${p.plus ? '++' : ''}${loaded ? ' · loaded coefficients' : ''}`,
  trainableParamCount: (p, config, tasks, tensors = canonicalParams(config).length) => (p.granularity === 'task' ? 1 : tensors) * tasks.length,
  totalSteps: (p) => p.iterations as number,
};
