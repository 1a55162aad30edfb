/**
 * The FusionBench (tanganke/fusion_bench, Hydra CLI `fusion_bench`) command line and config that
 * reproduce a run in Python, where FusionBench has the method: each method's catalogue entry
 * gives its own mapping (fusionBench), and this file adds the pool, the task pool and the one
 * pair FusionBench runs as a unit (AdaMerging + Surgery). Every name below was checked
 * against FusionBench's config tree (config/method/…, config/modelpool/CLIPVisionModelPool/…,
 * config/taskpool/CLIPVisionModelTaskPool/…):
 *   average          → method=simple_average (SimpleAverageAlgorithm; no parameters)
 *   task_arithmetic  → method=task_arithmetic, scaling_factor
 *   ties             → method=ties_merging, scaling_factor, threshold (% kept), merge_func (sum | mean)
 *   dare (base ta)   → method=dare/task_arithmetic, scaling_factor, sparsity_ratio, only_on_linear_weights, rescale
 *   dare (base ties) → method=dare/ties_merging, + threshold, merge_func
 *   adamerging       → method=adamerging/clip, name clip_task_wise_adamerging | clip_layer_wise_adamerging
 *   AdaMerging + Surgery → method=surgery/adamerging_surgery (layer-wise AdaMerging only)
 * Not mapped (no FusionBench config found, so none is invented): consensus (TALL masks),
 * IntervMerge, Model Tinting, AdaMerging++, and Surgery on a base other than layer-wise AdaMerging.
 * The pool: the 8 task-arithmetic tasks use FusionBench's own CLIPVisionModelPool/TaskPool
 * configs when the suite's tasks are exactly them; otherwise a modelpool YAML lists the run's
 * input models as local folders, with taskpool=dummy (the suite's test sets are not FusionBench
 * datasets). DARE's drop masks come from a different random generator in PyTorch, so a DARE run
 * reproduces in distribution, not bit for bit.
 */
import { type FusionBenchMapping, MERGE_METHODS, TRAINED_METHODS } from '../../engine/catalogue';
import type { RunRecord, RunStage } from '../../state/runs/record';

export interface FusionBenchExport {
  /** Whether FusionBench has the run's method(s). */
  supported: boolean;
  /** `fusion_bench …` (null when unsupported). */
  command: string | null;
  /** A modelpool config to save as modelpool/<poolName>.yaml beside the command (null: a stock pool is used). */
  modelpoolYaml: string | null;
  notes: string[];
}

const TA8 = ['sun397', 'stanford-cars', 'resisc45', 'eurosat', 'svhn', 'gtsrb', 'mnist', 'dtd'];
const num = (v: unknown) => String(v);

/** A stage's mapping, from its catalogue entry (merge or trained method). */
function mapMerge(s: RunStage): FusionBenchMapping {
  const d = MERGE_METHODS.find((m) => m.id === s.method) ?? TRAINED_METHODS.find((m) => m.id === s.method);
  return d?.fusionBench?.(s.params) ?? { unsupported: `FusionBench has no ${s.method} method config (none is invented here).` };
}

function mapRun(r: RunRecord): FusionBenchMapping {
  const [merge, correction] = r.stages;
  if (!correction) return mapMerge(merge);
  if (correction.method === 'surgery' && merge.method === 'adamerging' && merge.params.granularity !== 'task' && !merge.params.plus) {
    return { method: 'surgery/adamerging_surgery', overrides: [['surgery_steps', num(correction.steps)]], notes: ['FusionBench trains AdaMerging and Surgery with its own schedule (max_steps, lr); only surgery_steps is carried over.'] };
  }
  if (correction.method === 'surgery') return { unsupported: 'FusionBench runs Representation Surgery only on layer-wise AdaMerging (method=surgery/adamerging_surgery), not on this base.' };
  return { unsupported: `FusionBench has no ${correction.method} config (none is invented here).` };
}

const yamlStr = (s: string) => (/^[\w./-]+$/.test(s) ? s : JSON.stringify(s));

/** The command and pool config for a run (record). */
export function fusionBenchExport(r: RunRecord, poolName = 'mergelab_pool'): FusionBenchExport {
  const mapped = mapRun(r);
  if ('unsupported' in mapped) return { supported: false, command: null, modelpoolYaml: null, notes: [mapped.unsupported] };
  const experts = r.inputs.filter((i) => i.role === 'expert');
  const pretrained = r.inputs.find((i) => i.role === 'pretrained');
  const tasks = r.tasks.map((t) => t.task);
  const stock = tasks.length === TA8.length && TA8.every((t) => tasks.includes(t));
  const notes = [...mapped.notes];
  let modelpoolYaml: string | null = null;
  let pool: string[];
  if (stock) {
    pool = ['modelpool=CLIPVisionModelPool/clip-vit-base-patch32_TA8', 'taskpool=CLIPVisionModelTaskPool/clip-vit-classification_TA8'];
    notes.push('The suite holds the 8 task-arithmetic tasks: FusionBench\'s own ViT-B/32 pool and task pool are used (its checkpoints, not necessarily yours).');
  } else {
    const name = (x: string) => x.replace(/^.*\//, '');
    modelpoolYaml = [
      '_target_: fusion_bench.modelpool.CLIPVisionModelPool',
      '_recursive_: False',
      'processor: openai/clip-vit-base-patch32',
      'models:',
      `  _pretrained_: ${yamlStr(`./${name(pretrained?.name ?? 'pretrained')}`)}`,
      ...experts.map((e) => `  ${yamlStr(name(e.name))}: ${yamlStr(`./${name(e.name)}`)}`),
      'platform: hf', '',
    ].join('\n');
    pool = [`modelpool=${poolName}`, 'taskpool=dummy'];
    notes.push(`Save the pool as modelpool/${poolName}.yaml and put each model's HF folder beside it; taskpool=dummy because the suite's test sets are not FusionBench datasets.`);
  }
  const seed = r.stages[0].method === 'dare' ? [`seed=${num(r.stages[0].params.seed)}`] : [];
  const configDir = modelpoolYaml ? ['--config-dir .'] : [];
  const command = ['fusion_bench', ...configDir, ...seed, `method=${mapped.method}`, ...mapped.overrides.map(([k, v]) => `method.${k}=${v}`), ...pool].join(' \\\n  ');
  return { supported: true, command, modelpoolYaml, notes };
}
