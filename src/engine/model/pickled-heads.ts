/**
 * task_vectors classification heads (Ilharco et al., "Editing Models with Task Arithmetic",
 * arXiv:2212.04089, code: src/heads.py): `head_<Dataset>.pt` is a pickled ClassificationHead, an
 * nn.Linear whose weight rows are the class text embeddings, unit-normalised, times
 * exp(logit_scale). The lab keeps unit rows and one scale: each row is divided by its norm, and the
 * scale is that norm, which must be the same for every row and every head.
 */
import { SuiteError } from '../data/errors';
import type { ByteSource } from '../io/byte-source';
import { openPytorch } from '../io/pickle/torch-file';
import type { ClassificationHead } from './heads';

/** How far row norms may disagree (relative): F16-saved heads are off by ~1e-3. */
const SCALE_TOLERANCE = 2e-3;

export interface PickledHeads {
  heads: Map<string, ClassificationHead>;
  /** exp(logit_scale), read from the rows' norm. */
  logitScale: number;
  note: string;
}

/** The head file of each task in `files` (paths relative to the heads folder): head_<task>.pt, any case. */
export function headFileOf(task: string, files: readonly { path: string }[]): string | undefined {
  const want = `head_${task}.pt`.toLowerCase();
  return files.find((f) => f.path.toLowerCase() === want)?.path;
}

export async function readPickledHeads(
  folder: string,
  files: ReadonlyMap<string, ByteSource>,
  tasks: ReadonlyArray<{ name: string; classes: readonly string[] }>,
): Promise<PickledHeads> {
  const problems: string[] = [];
  const heads = new Map<string, ClassificationHead>();
  const scales: { task: string; scale: number }[] = [];
  const list = [...files.keys()].map((path) => ({ path }));
  for (const task of tasks) {
    const path = headFileOf(task.name, list);
    if (!path) { problems.push(`no head_${task.name}.pt for task "${task.name}"`); continue; }
    const store = await openPytorch(files.get(path)!);
    const info = store.tensors.get('weight');
    if (!info || info.shape.length !== 2) { problems.push(`${path} has no 2-D "weight" (a ClassificationHead is an nn.Linear)`); continue; }
    const [C, P] = info.shape;
    if (C !== task.classes.length) { problems.push(`${path} has ${C} rows but the manifest lists ${task.classes.length} classes for "${task.name}"`); continue; }
    if (store.tensors.has('bias')) {
      const bias = (await store.read('bias')).values;
      if (bias.some((b) => b !== 0)) { problems.push(`${path} has a non-zero bias, which a zero-shot head does not have`); continue; }
    }
    const w = Float32Array.from((await store.read('weight')).values);
    const norms: number[] = [];
    for (let c = 0; c < C; c++) {
      let s = 0;
      for (let p = 0; p < P; p++) s += w[c * P + p] ** 2;
      norms.push(Math.sqrt(s));
    }
    const scale = norms.reduce((a, b) => a + b, 0) / C;
    const off = norms.findIndex((n) => !(Math.abs(n - scale) <= SCALE_TOLERANCE * scale));
    if (off >= 0 || !(scale > 0)) { problems.push(`${path}: row ${off} has norm ${norms[off]} but the mean row norm is ${scale}; the rows are not one scale times unit vectors`); continue; }
    for (let c = 0; c < C; c++) for (let p = 0; p < P; p++) w[c * P + p] /= norms[c];
    heads.set(task.name, { task: task.name, numClasses: C, dim: P, weight: w });
    scales.push({ task: task.name, scale });
  }
  const mean = scales.reduce((a, s) => a + s.scale, 0) / Math.max(scales.length, 1);
  const odd = scales.filter((s) => !(Math.abs(s.scale - mean) <= SCALE_TOLERANCE * mean));
  if (odd.length) problems.push(`the heads disagree on the logit scale: ${scales.map((s) => `"${s.task}" ${s.scale.toFixed(3)}`).join(', ')}`);
  if (new Set([...heads.values()].map((h) => h.dim)).size > 1) problems.push('the heads disagree on the feature size P');
  if (problems.length) {
    throw new SuiteError(folder, `${problems.length} problem${problems.length > 1 ? 's' : ''} with the task_vectors heads:\n- ${problems.join('\n- ')}`,
      'Put one head_<task>.pt per task (the ClassificationHead task_vectors saves) in the heads folder, all built from the same model.');
  }
  return {
    heads,
    logitScale: mean,
    note: `Heads read from ${heads.size} task_vectors head_<task>.pt files (PyTorch pickles, read without executing code): rows normalised, logit scale ${mean.toFixed(4)} taken from their norm (the manifest's logit_scale is not used).`,
  };
}
