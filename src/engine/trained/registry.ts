/**
 * The trained methods, as an explicit list (no registration by import side effects): AdaMerging
 * (a merge) and the corrections on top of any merge. A new method is one file and one line here.
 */
import { MergelabError } from '../errors';
import { resolveParams } from '../merge/params';
import type { ParamValue } from '../merge/types';
import { adamerging } from './adamerging';
import { intervmerge } from './intervmerge';
import { surgery } from './surgery';
import { tinting } from './tinting';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import type { TaskShape, TrainedMethod, TrainedParams } from './types';

export const TRAINED_METHODS: readonly TrainedMethod[] = [adamerging, surgery, intervmerge, tinting];

export function getTrainedMethod(id: string): TrainedMethod {
  const m = TRAINED_METHODS.find((x) => x.id === id);
  if (!m) throw new MergelabError('usage', `unknown trained method "${id}".`, `Use one of: ${TRAINED_METHODS.map((x) => x.id).join(', ')}.`);
  return m;
}

export type Preset = 'paper' | 'quick';

/** Full, validated parameters: the given ones over the preset (paper defaults, or the quick schedule). */
export function resolveTrainedParams(method: TrainedMethod | string, given: Readonly<Record<string, ParamValue>> = {}, preset: Preset = 'paper'): TrainedParams {
  const m = typeof method === 'string' ? getTrainedMethod(method) : method;
  return resolveParams(m, { ...(preset === 'quick' ? m.quick : {}), ...given });
}

/**
 * Extra parameters a training run adds to a plain merge, counting each trained value once: the
 * base's AdaMerging coefficients (if any) plus the correction's own. Model Tinting on an
 * AdaMerging base continues the base's λ as ONE layer-wise set (MergeCoefficients.layerWise), so
 * the base's coefficients are not counted again beside Tinting's. `coefficientTensors`: as in
 * TrainedMethod.trainableParamCount.
 */
export function extraParamCount(base: { method: string; params: TrainedParams }, correction: { method: string; params: TrainedParams } | null, config: ClipVisionConfig, tasks: readonly TaskShape[], coefficientTensors?: number): number {
  const own = correction ? getTrainedMethod(correction.method).trainableParamCount(correction.params, config, tasks, coefficientTensors) : 0;
  const continued = base.method === 'adamerging' && correction?.method === 'tinting';
  const ada = base.method === 'adamerging' && !continued ? adamerging.trainableParamCount(base.params, config, tasks, coefficientTensors) : 0;
  return ada + own;
}
