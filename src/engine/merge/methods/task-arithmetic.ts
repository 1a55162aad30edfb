/**
 * Task Arithmetic — "Editing Models with Task Arithmetic" (Ilharco et al., ICLR 2023).
 * θ = θ0 + λ Σt τt with τt = θt − θ0. λ = 0.3 is the value the merging lineage uses for 8 tasks;
 * the paper picks λ on validation data (the UI's λ slider re-scores as you drag).
 */
import type { MergeMethod } from '../types';
import { lambdaField } from './fields';

export const taskArithmetic: MergeMethod = {
  id: 'task_arithmetic',
  label: 'Task Arithmetic',
  paper: { title: 'Editing Models with Task Arithmetic', url: 'https://arxiv.org/abs/2212.04089' },
  summary: 'Adds the scaled sum of the task vectors (expert − pretrained) to the pretrained weights.',
  params: [lambdaField(0.3)],
  trainableParamCount: () => 0,
  fusionBench: (p) => ({ method: 'task_arithmetic', overrides: [['scaling_factor', String(p.lambda)]], notes: [] }),
  plan: (p) => ({ combine: { kind: 'sum' }, scale: p.lambda as number }),
};
