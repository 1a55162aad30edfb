/**
 * Model Tinting's catalogue entry (Jung et al., 2024, arXiv:2412.19098): trains the layer-wise
 * merge coefficients with one task-specific layer. On a trained base (AdaMerging) it continues
 * the base's coefficients (continuesBaseCoefficients), so a run counts them once. The
 * implementation is trained/tinting.ts.
 */
import type { ClipVisionConfig } from '../../model/clip-vit/config';
import { canonicalParams } from '../../model/clip-vit/names';
import { iterationsField, lrField } from '../fields';
import type { TrainedDescriptor } from '../types';

export type TintedLayer = 'head' | 'fc2';

/** Values of the tinted layer of every task: Σt C_t·(P + 1) for heads, T·(D·M + D) for fc2. */
export function tintedLayerParams(layer: TintedLayer, config: ClipVisionConfig, tasks: readonly { numClasses: number }[]): number {
  const P = config.projectionDim ?? config.hiddenSize;
  if (layer === 'head') return tasks.reduce((s, t) => s + t.numClasses * (P + 1), 0);
  return tasks.length * (config.hiddenSize * config.intermediateSize + config.hiddenSize);
}

export const tinting: TrainedDescriptor = {
  id: 'tinting',
  kind: 'correction',
  continuesBaseCoefficients: true,
  label: 'Model Tinting',
  paper: { title: 'Tint Your Models Task-wise for Improved Multi-task Model Merging', url: 'https://arxiv.org/abs/2412.19098' },
  summary: 'Trains the layer-wise merge coefficients together with one task-specific layer (the head by default) on the experts\' pseudo-labels.',
  params: [
    { name: 'layer', label: 'Tinted layer', type: 'enum', default: 'head', options: ['head', 'fc2'], help: 'The one task-specific layer: head (a trainable copy of the zero-shot head per task) or fc2 (a per-task copy of the last block\'s MLP output layer).' },
    { name: 'filter', label: 'Confidence filter', type: 'boolean', default: true, help: 'Tinting++: drop a sample when merged and expert disagree and the merged model is the more confident one.' },
    iterationsField(500, 'epochs (each: the tasks in shuffled order, one batch of 32 and one step per task)'),
    lrField(1e-2),
  ],
  quick: { iterations: 40 },
  trainableParamCount: (p, config, tasks, tensors = canonicalParams(config).length) => tintedLayerParams(p.layer as TintedLayer, config, tasks) + tensors * tasks.length,
  totalSteps: (p, T) => (p.iterations as number) * T,
};
