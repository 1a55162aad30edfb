/**
 * Frozen zero-shot classification heads (as in Task Arithmetic, arXiv:2212.04089, and FusionBench,
 * arXiv:2406.03280): per task a matrix H [C, P] of unit-norm
 * class embeddings; logits = s · normalize(z) · Hᵀ with s = logit_scale (100 for CLIP).
 * Plain Float32Array math: heads are small and scoring cached features needs no tfjs.
 */
import { SuiteError } from '../data/errors';
import type { TensorStore } from '../io/safetensors';

export interface ClassificationHead {
  task: string;
  numClasses: number; // C
  dim: number; // P
  /** [C, P] row-major, unit-norm rows. */
  weight: Float32Array;
}

/** How far a row's norm may be from 1 (heads saved in F16 are off by ~1e-3 at most). */
export const UNIT_NORM_TOLERANCE = 2e-3;

/**
 * Reads one head per task (tensor named by the task) and validates all of them at once: presence,
 * float dtype, shape [C, P] with C = the task's class count, one P for all tasks, unit-norm rows.
 * Throws a SuiteError listing every problem.
 */
export async function readHeads(
  store: TensorStore,
  tasks: ReadonlyArray<{ name: string; classes: readonly string[] }>,
): Promise<Map<string, ClassificationHead>> {
  const problems: string[] = [];
  const heads = new Map<string, ClassificationHead>();
  for (const task of tasks) {
    const info = store.tensors.get(task.name);
    if (!info) { problems.push(`no tensor "${task.name}" (one [C, P] head per task, named by the task)`); continue; }
    if (!['F32', 'F16', 'BF16', 'F64'].includes(info.dtype)) { problems.push(`"${task.name}" is ${info.dtype}, heads must be float (F32)`); continue; }
    if (info.shape.length !== 2) { problems.push(`"${task.name}" has shape [${info.shape}], a head must be [C, P]`); continue; }
    const [C, P] = info.shape;
    if (C !== task.classes.length) {
      problems.push(`"${task.name}" has ${C} rows but the manifest lists ${task.classes.length} classes for this task`);
      continue;
    }
    const weight = (await store.read(task.name)).values as Float32Array;
    const bad = badRows(weight, C, P);
    if (bad.length) {
      problems.push(`"${task.name}" rows ${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ` (and ${bad.length - 5} more)` : ''} are not unit-norm`);
      continue;
    }
    heads.set(task.name, { task: task.name, numClasses: C, dim: P, weight });
  }
  const dims = new Set([...heads.values()].map((h) => h.dim));
  if (dims.size > 1) problems.push(`heads disagree on the feature size P: ${[...heads.values()].map((h) => `"${h.task}" ${h.dim}`).join(', ')}`);
  if (problems.length) {
    throw new SuiteError(store.name, `${problems.length} problem${problems.length > 1 ? 's' : ''} with the classification heads:\n- ${problems.join('\n- ')}`,
      'Write one F32 tensor [C, P] per task, named by the task, with C = the number of classes in manifest.json and each row divided by its L2 norm.');
  }
  return heads;
}

function badRows(w: Float32Array, C: number, P: number): number[] {
  const bad: number[] = [];
  for (let c = 0; c < C; c++) {
    let s = 0;
    for (let p = 0; p < P; p++) s += w[c * P + p] ** 2;
    if (!(Math.abs(Math.sqrt(s) - 1) <= UNIT_NORM_TOLERANCE)) bad.push(c);
  }
  return bad;
}

/** logits [N, C] = scale · (z / ‖z‖) · Hᵀ for features z [N, P] (‖z‖ floored at 1e-12, like torch). */
export function headLogits(z: Float32Array, n: number, head: ClassificationHead, scale: number): Float32Array {
  const { numClasses: C, dim: P, weight } = head;
  if (z.length !== n * P) throw new RangeError(`features have ${z.length / n} dims per image, head "${head.task}" expects ${P}`);
  const out = new Float32Array(n * C);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = 0; p < P; p++) s += z[i * P + p] ** 2;
    const k = scale / Math.max(Math.sqrt(s), 1e-12);
    for (let c = 0; c < C; c++) {
      let d = 0;
      for (let p = 0; p < P; p++) d += z[i * P + p] * weight[c * P + p];
      out[i * C + c] = k * d;
    }
  }
  return out;
}
