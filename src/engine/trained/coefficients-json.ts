/**
 * AdaMerging's coefficients as data (no tfjs, so the page can check a pasted or picked file before
 * anything runs): the lab's export format, reading it or a published list back for a suite's
 * tasks and the checkpoint's tensors, and the tensor groups a heatmap labels its columns with.
 * Accepted: the export {"format": "mergelab-coefficients", …}; {"lambda": [...]} alone; a bare
 * task-wise list [λ1, …, λT] (as the AdaMerging authors published theirs); rows [[λ1], …] or
 * layer-wise rows [[λ1(1) … λ1(L)], …]. Every problem is a typed error naming what does not fit.
 */
import { MergelabError } from '../errors';
import { clip, listed, quote } from '../io/bounded';

export type Granularity = 'task' | 'layer';

export interface CoefficientsJson {
  format: 'mergelab-coefficients';
  version: 1;
  granularity: Granularity;
  /** TIES-selected task vectors (AdaMerging++). */
  plus: boolean;
  tasks: string[];
  /** Parameter tensors, in order (layer-wise only). */
  tensors?: string[];
  /** Raw (unclamped) λ: [T][1] task-wise, [T][L] layer-wise. */
  lambda: number[][];
}

/** Coefficients that do not fit this suite and checkpoint. */
export class CoefficientsError extends MergelabError {
  constructor(problem: string, tasks: readonly string[], tensors: number) {
    super('coefficients', `These coefficients do not fit: ${problem}.`,
      `Give ${tasks.length} task rows (${tasks.join(', ')}) of 1 value (task-wise) or ${tensors} values (layer-wise, one per tensor in checkpoint order), as this lab exports them.`);
    this.name = 'CoefficientsError';
  }
}

/** Reads coefficients (parsed JSON) for `tasks` and `tensors` (the checkpoint's, in order); the granularity follows from the data. */
export function parseCoefficients(json: unknown, tasks: readonly string[], tensors: readonly string[]): CoefficientsJson {
  const bad = (problem: string) => new CoefficientsError(problem, tasks, tensors.length);
  const j = (Array.isArray(json) ? { lambda: json } : json) as Partial<CoefficientsJson> | null;
  if (!j || typeof j !== 'object' || !Array.isArray(j.lambda)) throw bad('there is no "lambda" array (nor a list of numbers)');
  if (j.format !== undefined && j.format !== 'mergelab-coefficients') throw bad(`"format" is ${quote(j.format)}, not "mergelab-coefficients"`);
  const sameList = (given: unknown, want: readonly string[]) => Array.isArray(given) && given.length === want.length && given.every((x, i) => x === want[i]);
  if (j.tasks !== undefined && !sameList(j.tasks, tasks)) throw bad(`they are for tasks ${Array.isArray(j.tasks) && j.tasks.every((t) => typeof t === 'string') ? listed(j.tasks.map((t) => clip(t))) : quote(j.tasks, 120)}, this suite has ${tasks.join(', ')}`);
  if (j.tensors !== undefined && !sameList(j.tensors, tensors)) throw bad(`their tensor list (${Array.isArray(j.tensors) ? j.tensors.length : '?'} tensors) differs from this checkpoint's ${tensors.length}`);
  const rows = j.lambda.map((r) => (Array.isArray(r) ? r : [r]));
  if (rows.length !== tasks.length || rows.length === 0) throw bad(`${rows.length} rows for ${tasks.length} tasks`);
  const width = rows[0].length;
  const granularity: Granularity = width === 1 ? 'task' : 'layer';
  const want = granularity === 'task' ? 1 : tensors.length;
  if (j.granularity !== undefined && j.granularity !== granularity) throw bad(`"granularity" says ${typeof j.granularity === 'string' ? quote(j.granularity).slice(1, -1) : quote(j.granularity)}-wise but the rows hold ${width} value${width === 1 ? '' : 's'}`);
  const wrong = rows.findIndex((r) => r.length !== want || r.some((v) => typeof v !== 'number' || !Number.isFinite(v)));
  if (wrong >= 0) throw bad(`row ${wrong + 1} (${tasks[wrong]}) is not ${want} finite number${want > 1 ? 's' : ''}${rows[wrong].length !== want ? ` (it has ${rows[wrong].length} entries)` : ''}`);
  return {
    format: 'mergelab-coefficients', version: 1, granularity, plus: j.plus === true, tasks: [...tasks],
    ...(granularity === 'layer' ? { tensors: [...tensors] } : {}),
    lambda: rows as number[][],
  };
}

/** The same from text (a pasted or picked file); invalid JSON is a typed error with the parser's message. */
export function parseCoefficientsText(text: string, tasks: readonly string[], tensors: readonly string[]): CoefficientsJson {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MergelabError('coefficients', `These coefficients are not valid JSON: ${quote((e as Error).message, 120)}.`, 'Paste the file "Export coefficients" saved, or a JSON list such as [0.22, 0.14, …] with one value per task.');
  }
  return parseCoefficients(json, tasks, tensors);
}

export interface TensorGroup {
  /** "embeddings", "block 1" … "block L", "final". */
  label: string;
  /** Columns [start, end) of the layer-wise λ. */
  start: number;
  end: number;
}

/** Consecutive tensors grouped as embeddings (+ pre_layrnorm), each transformer block, and the final LayerNorm + projection. */
export function tensorGroups(tensors: readonly string[]): TensorGroup[] {
  const groupOf = (name: string) => {
    const m = /encoder\.layers\.(\d+)\./.exec(name);
    if (m) return `block ${Number(m[1]) + 1}`;
    return /embeddings|pre_layrnorm/.test(name) ? 'embeddings' : 'final';
  };
  const out: TensorGroup[] = [];
  tensors.forEach((name, i) => {
    const label = groupOf(name);
    if (out.length && out[out.length - 1].label === label) out[out.length - 1].end = i + 1;
    else out.push({ label, start: i, end: i + 1 });
  });
  return out;
}
