/**
 * The kept modules of a training run as one safetensors file (our writer, io/safetensors.ts):
 * every tensor the run trained (a correction's modules and/or AdaMerging's coefficients, under
 * the names their method files document, F32) and a `__metadata__` of strings:
 *   format      "mergelab-trained-v1"
 *   merge       the base merge's method id (e.g. "task_arithmetic", "adamerging")
 *   correction  the correction's method id, or "" when there is none
 *   params      JSON {"merge": {…resolved}, "correction": {…resolved} | null}
 *   seed        the run's seed (decimal)
 *   suite       the suite's manifest name
 *   tasks       JSON array of the task names, in the suite's order (the row order of every [T, …] tensor)
 *   lambda_tensors  JSON array of the checkpoint's tensor names (the columns of a layer-wise λ [T, L]), when a λ is kept
 */
import { memorySink, writeSafetensors } from '../io/safetensors';
import type { ParamValue } from '../merge/types';
import type { NamedTensor } from './types';

export const TRAINED_FORMAT = 'mergelab-trained-v1';

export interface TrainedRunInfo {
  merge: { method: string; params: Record<string, ParamValue> };
  correction: { method: string; params: Record<string, ParamValue> } | null;
  seed: number;
  suite: string;
  tasks: readonly string[];
  /** The checkpoint's tensor names, when a λ is among the tensors. */
  lambdaTensors?: readonly string[];
}

/** The safetensors bytes of a run's trained tensors with its metadata. */
export async function trainedModulesFile(tensors: readonly NamedTensor[], info: TrainedRunInfo): Promise<Uint8Array> {
  const metadata: Record<string, string> = {
    format: TRAINED_FORMAT,
    merge: info.merge.method,
    correction: info.correction?.method ?? '',
    params: JSON.stringify({ merge: info.merge.params, correction: info.correction?.params ?? null }),
    seed: String(info.seed),
    suite: info.suite,
    tasks: JSON.stringify(info.tasks),
    ...(info.lambdaTensors ? { lambda_tensors: JSON.stringify(info.lambdaTensors) } : {}),
  };
  const sink = memorySink();
  await writeSafetensors(sink, tensors.map((t) => ({ name: t.name, dtype: 'F32', shape: t.shape })), (_, i) => tensors[i].values, metadata);
  return sink.bytes();
}
