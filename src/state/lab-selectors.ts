/**
 * Derived views of the merge lab (pure): which pool a merge or an analysis uses, and short labels
 * of method settings. The merge registry and parameter resolution are plain data and functions
 * (no tfjs), so the page reads the methods' schemas directly.
 */
import { getMethod } from '../engine/merge/registry';
import type { MergeParams } from '../engine/merge/types';
import type { PoolRef } from '../worker/api';
import { pretrainedKey, readyCheckpoints } from './selectors';
import type { LabState } from './slices/types';

export interface LabPool {
  ref: PoolRef;
  /** What the page says about it, e.g. "suite mini8 (8 experts)". */
  label: string;
  /** A suite: merges are evaluated per task. */
  suite: boolean;
}

/** The loaded suite's models, else the pool of the Models panel (pretrained + the other ready models). */
export function labPool(s: LabState): LabPool | null {
  const info = s.suite.status === 'ready' ? s.suite.info : null;
  if (info) return { ref: { kind: 'suite', suiteId: info.id }, label: `suite ${info.name} (${info.experts.length} experts)`, suite: true };
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

/** "TIES-Merging · k 20, λ 0.3, sum" */
export function runLabel(methodId: string, params: MergeParams): string {
  const m = getMethod(methodId);
  const parts = m.params.map((f) => `${f.label.replace(/ \(.*\)$/, '')} ${String(params[f.name])}`);
  return parts.length ? `${m.label} · ${parts.join(', ')}` : m.label;
}
