/**
 * The method catalogue: every merge and trained method's id, label, parameter schema, presets
 * and paper, with no tfjs, so the page (ui, state, URL codec, lessons) and the CLI's argument
 * parsing read it without loading the engine. The implementations register themselves against
 * it: merge/ runs the merge descriptors, trained/registry.ts pairs each trained descriptor with
 * its build(). A new trained method is one descriptor file in catalogue/trained/ and one line in
 * TRAINED_METHODS (plus its implementation, one file in trained/ and one line there).
 */
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { MergelabError } from '../errors';
import { getMergeMethod, resolveMergeParams, type ParamSchema, type ParamValue } from './merge';
import { adamerging } from './trained/adamerging';
import { intervmerge } from './trained/intervmerge';
import { surgery } from './trained/surgery';
import { tinting } from './trained/tinting';
import { DEFAULT_PRESET, type Preset, type TaskShape, type TrainedDescriptor, type TrainedParams } from './types';

export * from './merge';
export * from './types';

export const TRAINED_METHODS: readonly TrainedDescriptor[] = [adamerging, surgery, intervmerge, tinting];

/** Trained methods that produce merged weights, so they can be a run's base merge. */
export const TRAINED_BASES: readonly TrainedDescriptor[] = TRAINED_METHODS.filter((m) => m.kind === 'merge');
/** Trained methods that sit on top of a base merge. */
export const CORRECTIONS: readonly TrainedDescriptor[] = TRAINED_METHODS.filter((m) => m.kind === 'correction');

export function getTrainedMethod(id: string): TrainedDescriptor {
  const m = TRAINED_METHODS.find((x) => x.id === id);
  if (!m) throw new MergelabError('usage', `unknown trained method "${id}".`, `Use one of: ${TRAINED_METHODS.map((x) => x.id).join(', ')}.`);
  return m;
}

/** The trained base merge with this id, or null for a closed-form merge id. */
export function trainedBase(id: string): TrainedDescriptor | null {
  return TRAINED_BASES.find((m) => m.id === id) ?? null;
}

/** The parameter schema of a base merge: a trained base's, or the closed-form merge method's. */
export function baseSchema(id: string): ParamSchema & Pick<TrainedDescriptor, 'label'> {
  return trainedBase(id) ?? getMergeMethod(id);
}

/** Full, validated parameters: the given ones over the preset (paper defaults, or the quick schedule). */
export function resolveTrainedParams(method: TrainedDescriptor | string, given: Readonly<Record<string, ParamValue>> = {}, preset: Preset = DEFAULT_PRESET): TrainedParams {
  const m = typeof method === 'string' ? getTrainedMethod(method) : method;
  return resolveMergeParams(m, { ...(preset === 'quick' ? m.quick : {}), ...given });
}

/** Full, validated parameters of a base merge: a trained base's under the preset, a closed-form merge's as given. */
export function resolveBaseParams(id: string, given: Readonly<Record<string, ParamValue>> = {}, preset: Preset = DEFAULT_PRESET): TrainedParams {
  const trained = trainedBase(id);
  return trained ? resolveTrainedParams(trained, given, preset) : resolveMergeParams(id, given);
}

/**
 * Extra parameters a training run adds to a plain merge, counting each trained value once: a
 * trained base's coefficients (if any) plus the correction's own. A correction that continues
 * the base's coefficients (Model Tinting on AdaMerging: one layer-wise set) counts them itself, so
 * the base's are not counted again. `coefficientTensors`: as in TrainedDescriptor.trainableParamCount.
 */
export function extraParamCount(base: { method: string; params: TrainedParams }, correction: { method: string; params: TrainedParams } | null, config: ClipVisionConfig, tasks: readonly TaskShape[], coefficientTensors?: number): number {
  const corr = correction ? getTrainedMethod(correction.method) : null;
  const own = corr ? corr.trainableParamCount(correction!.params, config, tasks, coefficientTensors) : 0;
  const trained = trainedBase(base.method);
  const continued = !!corr?.continuesBaseCoefficients;
  return (trained && !continued ? trained.trainableParamCount(base.params, config, tasks, coefficientTensors) : 0) + own;
}
