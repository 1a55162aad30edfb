/** Parameter fields shared by several methods (same names, ranges and help everywhere). */
import type { ParamField, ParamValue } from '../types';

export function lambdaField(value: number, defaultWhen?: ParamField['defaultWhen']): ParamField {
  return {
    name: 'lambda', label: 'λ (scaling)', type: 'number', default: value, min: 0, max: 2, step: 0.05,
    ...(defaultWhen ? { defaultWhen } : {}),
    help: 'Scales the merged task vector: θ = θ0 + λ · merged. 0 gives the pretrained model.',
  };
}

export function trimField(): ParamField {
  return {
    name: 'k', label: 'k (% kept)', type: 'number', default: 20, min: 1, max: 100, step: 1,
    help: 'TIES trim: per task, keep the k % of task-vector entries with the largest magnitude over the whole model (one global threshold per task), zero the rest.',
  };
}

export function baseField(): ParamField {
  return {
    name: 'base', label: 'Base merge', type: 'enum', default: 'task_arithmetic', options: ['task_arithmetic', 'ties'],
    help: 'The merge the method builds on: Task Arithmetic (sum of task vectors) or TIES (trim k %, elect signs, disjoint sum).',
  };
}

export const whenBase = (base: string, value: ParamValue) => ({ if: { base }, value });
