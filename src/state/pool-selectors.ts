/**
 * Derived views of the merge lab (pure): which pool (pretrained + experts) a merge or an analysis
 * uses — the suite's or the Models panel's — and short labels of method settings.
 */
import { getMethod } from '../engine/merge/registry';
import type { MergeParams } from '../engine/merge/types';
import type { PoolRef } from '../worker/api';
import { pretrainedKey, readyCheckpoints } from './checkpoint-selectors';
import type { LabState } from './slices/lab-state';

export interface LabPool {
  ref: PoolRef;
  /** What the page says about it, e.g. "suite mini8 (8 experts)". */
  label: string;
  /** A suite: merges are evaluated per task. */
  suite: boolean;
}

/** The pool of the Models panel (pretrained + the other ready models), if there is one. */
function modelsPool(s: LabState): LabPool | null {
  const ready = readyCheckpoints(s);
  const pre = ready.find((c) => c.key === pretrainedKey(s));
  const experts = ready.filter((c) => c !== pre);
  if (!pre || experts.length === 0) return null;
  return {
    ref: { kind: 'checkpoints', pretrainedId: pre.engineId!, expertIds: experts.map((c) => c.engineId!) },
    label: `loaded models: ${pre.name} + ${experts.length} expert${experts.length === 1 ? '' : 's'}`,
    suite: false,
  };
}

/** The loaded suite's pool: all its tasks or the chosen subset (subset slice). */
export function suitePool(s: LabState): LabPool | null {
  const info = s.suite.status === 'ready' ? s.suite.info : null;
  if (!info) return null;
  const tasks = s.subset.tasks;
  return tasks
    ? { ref: { kind: 'suite', suiteId: info.id, tasks }, label: `suite ${info.name} (${tasks.length} of ${info.experts.length} experts: ${tasks.join(', ')})`, suite: true }
    : { ref: { kind: 'suite', suiteId: info.id }, label: `suite ${info.name} (${info.experts.length} experts)`, suite: true };
}

/** Whether both a suite and a Models-panel pool are there to choose from. */
export const hasPoolChoice = (s: LabState): boolean => s.suite.status === 'ready' && modelsPool(s) !== null;

/** The loaded suite's models (unless the user chose the Models panel's), else the Models panel's pool. */
export function labPool(s: LabState): LabPool | null {
  const info = s.suite.status === 'ready' ? s.suite.info : null;
  if (info && !(s.merge.useModels && modelsPool(s))) return suitePool(s);
  return modelsPool(s);
}

/** "TIES-Merging · k 20, λ 0.3, sum" */
export function runLabel(methodId: string, params: MergeParams): string {
  const m = getMethod(methodId);
  const parts = m.params.map((f) => `${f.label.replace(/ \(.*\)$/, '')} ${String(params[f.name])}`);
  return parts.length ? `${m.label} · ${parts.join(', ')}` : m.label;
}
