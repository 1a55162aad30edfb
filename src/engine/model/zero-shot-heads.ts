/**
 * Zero-shot classification heads from a CLIP text tower, as Task Arithmetic (Ilharco et al.,
 * arXiv:2212.04089, its `get_zeroshot_classifier`) and FusionBench (arXiv:2406.03280, its CLIP
 * zero-shot classification head) build them: for each class every template is filled with the
 * class name ("{}" marks it), the text embeddings are L2-normalised, averaged over the templates and
 * normalised again — one unit-norm row per class, [C, P]. Prompts of all tasks are embedded in
 * batches of similar token length, with progress and cancellation between batches.
 */
import { CancelledError, MergelabError } from '../errors';
import type { ClipTextModel } from './clip-text/open-text-model';
import type { ClassificationHead } from './heads';

export interface HeadRequest { name: string; classes: readonly string[]; templates: readonly string[] }

export interface HeadOptions {
  /** Prompts per forward pass (default 64). */
  batchSize?: number;
  /** Called after every batch with prompts done and the total. */
  onProgress?: (done: number, total: number) => void;
  signal?: { readonly aborted: boolean };
}

/** "{}" replaced by the class name (every occurrence). */
export function fillTemplate(template: string, className: string): string {
  return template.split('{}').join(className);
}

function checkRequest(t: HeadRequest): void {
  const problems: string[] = [];
  if (!t.classes.length) problems.push('no classes');
  if (!t.templates.length) problems.push('no templates');
  const without = t.templates.filter((x) => !x.includes('{}'));
  if (without.length) problems.push(`template${without.length > 1 ? 's' : ''} without "{}" (every class would get the same prompt): ${without.map((x) => JSON.stringify(x)).join(', ')}`);
  if (problems.length) {
    throw new MergelabError('input', `Task "${t.name}": ${problems.join('; ')}.`,
      'Give each task its class names and prompt templates in which "{}" marks the class, e.g. "a photo of a {}.".');
  }
}

function normaliseRow(v: Float32Array | Float64Array, at: number, P: number): void {
  let s = 0;
  for (let p = 0; p < P; p++) s += v[at + p] ** 2;
  const k = 1 / Math.max(Math.sqrt(s), 1e-12);
  for (let p = 0; p < P; p++) v[at + p] *= k;
}

/** FusionBench / task_vectors zero-shot heads: unit rows [C, P] per task, keyed by task name. */
export async function buildZeroShotHeads(
  model: ClipTextModel, tasks: readonly HeadRequest[],
  opts: HeadOptions = {},
): Promise<Map<string, ClassificationHead>> {
  tasks.forEach(checkRequest);
  const dup = tasks.find((t, i) => tasks.findIndex((u) => u.name === t.name) !== i);
  if (dup) throw new MergelabError('input', `Task "${dup.name}" is listed twice.`, 'Give each task once; heads are named by the task.');
  const batchSize = opts.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new MergelabError('input', `batchSize must be a whole number ≥ 1, got ${batchSize}.`, 'Use the default (64) or a smaller batch to save memory.');
  const P = model.config.projectionDim;
  // Every prompt of every task, in order: task, class, template.
  const prompts: string[] = [];
  for (const t of tasks) for (const c of t.classes) for (const tpl of t.templates) prompts.push(fillTemplate(tpl, c));
  const total = prompts.length;
  const embeds = new Float64Array(total * P);
  const check = () => { if (opts.signal?.aborted) throw new CancelledError('head building'); };
  opts.onProgress?.(0, total);
  // Batches of prompts of similar token length (a batch is padded to its longest): each prompt's
  // embedding does not depend on its batch, so the order only saves padded positions.
  const ids = prompts.map((p) => model.tokenizer.encode(p));
  const order = ids.map((_, i) => i).sort((a, b) => ids[a].length - ids[b].length || a - b);
  for (let start = 0; start < total; start += batchSize) {
    check();
    const batch = order.slice(start, start + batchSize);
    const { textEmbeds } = await model.embed(batch.map((i) => ids[i]));
    batch.forEach((i, r) => embeds.set(textEmbeds.subarray(r * P, (r + 1) * P), i * P));
    opts.onProgress?.(start + batch.length, total);
  }
  check();
  const heads = new Map<string, ClassificationHead>();
  let row = 0;
  for (const t of tasks) {
    const C = t.classes.length;
    const weight = new Float32Array(C * P);
    const mean = new Float64Array(P);
    for (let c = 0; c < C; c++) {
      mean.fill(0);
      for (let k = 0; k < t.templates.length; k++, row++) {
        normaliseRow(embeds, row * P, P);
        for (let p = 0; p < P; p++) mean[p] += embeds[row * P + p] / t.templates.length;
      }
      normaliseRow(mean, 0, P);
      weight.set(mean, c * P);
    }
    heads.set(t.name, { task: t.name, numClasses: C, dim: P, weight });
  }
  return heads;
}
