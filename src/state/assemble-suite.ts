/**
 * Assembles a suite from what a user drops without a manifest.json: a pretrained CLIPModel folder,
 * expert folders and test data (parquet splits, ImageFolders, IDX files, test.safetensors), loose or
 * under one parent folder. Each model folder is classified by its config.json (CLIPModel or a
 * text_config: the pretrained model; CLIPVisionModel or vision-only: an expert), each data folder by
 * the files in it; experts and data are matched to tasks by name through the task registry's
 * aliases ("clip-vit-base-patch32_mnist", "tanganke/sun397", "stanford_cars"), else by their folder
 * name. The result is one row per task with what it lacks, the manifest.json the engine reads
 * (paths relative to the dropped parent) and everything missing. Pure: config.json texts are read
 * by the caller (readDropConfigs).
 */
import { findTask, STANDARD_TASKS } from '../engine/tasks/registry';

/** The user's corrections: a folder's task (by folder path), rows dropped (by task), the pretrained folder when several fit. */
export interface AssemblyFixes {
  assign?: Readonly<Record<string, string>>;
  dropped?: readonly string[];
  pretrained?: string;
}

export type RowStatus = 'ready' | 'no-expert' | 'no-data' | 'duplicate';

export interface AssemblyRow {
  /** The manifest's task name: the registry's canonical name, else the folder's name. */
  task: string;
  /** The registry's title ("SUN397"), null for a task the registry does not know. */
  title: string | null;
  /** Expert folders matched to the task (paths relative to the parent). */
  experts: string[];
  /** Data folders matched to the task. */
  data: string[];
  /** Class count from the registry; null: taken from the data (parquet metadata, ImageFolder names). */
  classes: number | null;
  status: RowStatus;
  /** What the row lacks, for a person ("no expert folder matches mnist"). */
  problem: string | null;
}

/** The manifest.json object the engine reads (src/engine/data/manifest.ts); heads are built from the text tower. */
export interface AssembledManifest {
  name: string;
  image_size: number;
  pretrained: string;
  experts: Record<string, string>;
  tasks: { name: string; classes?: string[] }[];
  /** Task → data folder where it is not data/<task>. */
  data?: Record<string, string>;
  heads?: string;
}

export interface Assembly {
  /** The dropped parent folder ('' when several folders were dropped side by side). */
  root: string;
  name: string;
  /** Folders that look like a pretrained CLIPModel (the chosen one first). */
  pretrainedCandidates: string[];
  pretrained: string | null;
  rows: AssemblyRow[];
  dropped: string[];
  /** Every piece missing, for a person; rows not ready are left out of the manifest. */
  missing: string[];
  /** Files that belong to no model and no data folder, with why. */
  ignored: string[];
  /** null until there is a pretrained model and at least one ready row. */
  manifest: AssembledManifest | null;
}

const WEIGHTS = /\.(safetensors|bin|pt|pth)$/i;
const DATA_WEIGHTS = /^(test|train)\.safetensors$/i;
const IDX = /^(test|t10k|train)-(images|labels)[.-]idx\d-ubyte(\.gz)?$/i;
const IMAGE = /\.(png|jpe?g)$/i;

const dirOf = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
const baseOf = (p: string) => p.slice(p.lastIndexOf('/') + 1);
const join = (a: string, b: string) => (a ? `${a}/${b}` : b);
const clean = (p: string) => p.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.').join('/');

/**
 * The dropped parent folder: the first path segment all files share, unless that folder is itself
 * a model or data folder (a single folder dropped alone); '' otherwise.
 */
export function dropRoot(paths: readonly string[]): string {
  const ps = paths.map(clean);
  const first = ps[0]?.split('/')[0] ?? '';
  if (!first || !ps.every((p) => p.startsWith(`${first}/`))) return '';
  const direct = ps.filter((p) => dirOf(p) === first).map(baseOf);
  if (direct.some((f) => f === 'config.json' || (WEIGHTS.test(f) && f !== 'heads.safetensors') || IDX.test(f) || f.toLowerCase().endsWith('.parquet'))) return '';
  return first;
}

/** The folders holding a config.json, whose text the caller reads for assembleSuite (paths as given). */
export function configPaths(paths: readonly string[]): string[] {
  return paths.filter((p) => baseOf(clean(p)) === 'config.json');
}

type ModelKind = 'pretrained' | 'expert';

/** What a config.json says a folder is: CLIPModel (or any config with a text tower) → pretrained, else expert. */
export function modelKind(config: unknown): ModelKind {
  if (config === null || typeof config !== 'object') return 'expert';
  const c = config as { architectures?: unknown; text_config?: unknown; model_type?: unknown };
  const arch = Array.isArray(c.architectures) ? c.architectures.map(String) : [];
  if (arch.includes('CLIPModel') || (c.text_config && typeof c.text_config === 'object')) return 'pretrained';
  return 'expert';
}

function imageSizeOf(config: unknown): number | null {
  const c = (config ?? {}) as { vision_config?: { image_size?: unknown }; image_size?: unknown };
  const s = c.vision_config?.image_size ?? c.image_size;
  return Number.isInteger(s) && (s as number) > 0 ? (s as number) : null;
}

/** The data folder a file makes (null: not a data file). HF dataset repositories keep splits in `data/`, which is skipped. */
function dataFolderOf(path: string): string | null {
  const dir = dirOf(path);
  const base = baseOf(path);
  const up = (d: string) => (baseOf(d) === 'data' && dirOf(d) !== '' ? dirOf(d) : d);
  if (base.toLowerCase().endsWith('.parquet') || DATA_WEIGHTS.test(base) || IDX.test(base)) return up(dir);
  if (IMAGE.test(base)) {
    // An ImageFolder: <task>/test/<class>/<image>
    const cls = dirOf(dir);
    if (/^(test|train)$/i.test(baseOf(cls))) return dirOf(cls) || null;
  }
  return null;
}

/**
 * Classifies dropped files and matches them to tasks. `paths` are as dropped (the parent folder,
 * if any, first); `configs` maps each config.json path to its parsed content (undefined when it is
 * not valid JSON).
 */
export function assembleSuite(paths: readonly string[], configs: ReadonlyMap<string, unknown>, fixes: AssemblyFixes = {}): Assembly {
  const root = dropRoot(paths);
  const rel = (p: string) => (root ? clean(p).slice(root.length + 1) : clean(p));
  const files = paths.map(rel);
  const parsed = new Map([...configs].map(([k, v]) => [rel(k), v]));
  const ignored: string[] = [];
  const missing: string[] = [];

  // Model folders: a config.json beside a weights file, or weights without a config (not data files).
  const modelDirs = new Set<string>();
  for (const f of files) {
    const base = baseOf(f);
    if (WEIGHTS.test(base) && !DATA_WEIGHTS.test(base) && base !== 'heads.safetensors') modelDirs.add(dirOf(f));
  }
  if (modelDirs.delete('')) ignored.push(`${root || 'the top level'}: loose weights files: put each model in its own folder with its config.json`);
  const inModel = (f: string) => [...modelDirs].some((d) => f.startsWith(`${d}/`));

  const pretrainedCandidates: string[] = [];
  const experts: string[] = [];
  let imageSize: number | null = null;
  for (const d of [...modelDirs].sort()) {
    const key = join(d, 'config.json');
    const config = parsed.get(key);
    if (parsed.has(key) && config === undefined) { missing.push(`${join(root, key)} is not valid JSON: fix or replace it (it says what the model is).`); continue; }
    if (modelKind(config) === 'pretrained') pretrainedCandidates.push(d);
    else experts.push(d);
  }
  let pretrained: string | null = null;
  if (fixes.pretrained && pretrainedCandidates.includes(fixes.pretrained)) pretrained = fixes.pretrained;
  else if (pretrainedCandidates.length === 1) pretrained = pretrainedCandidates[0];
  if (pretrainedCandidates.length === 0) {
    missing.push('a pretrained CLIPModel folder (config.json with "architectures": ["CLIPModel"], model.safetensors and the tokenizer files), e.g. openai/clip-vit-base-patch32');
  } else if (!pretrained) missing.push(`choose the pretrained model: ${pretrainedCandidates.join(', ')} all hold a text tower`);
  if (pretrained) imageSize = imageSizeOf(parsed.get(join(pretrained, 'config.json')));

  let heads: string | undefined;
  const dataDirs = new Set<string>();
  for (const f of files) {
    if (inModel(f)) continue;
    if (baseOf(f) === 'heads.safetensors') { heads = f; continue; }
    const d = dataFolderOf(f);
    if (d !== null) dataDirs.add(d);
    else if (!/(^|\/)(\.|README|LICENSE)/i.test(f)) ignored.push(`${join(root, f)}: neither part of a model folder nor test data`);
  }
  for (const d of [...dataDirs]) if (d === '') {
    dataDirs.delete(d);
    ignored.push(`${root || 'the top level'}: test data outside a folder: put it in a folder named after its task (e.g. mnist/)`);
  }
  if (pretrained && !heads) {
    const own = files.filter((f) => dirOf(f) === pretrained).map(baseOf);
    if (!own.includes('tokenizer.json') && !(own.includes('vocab.json') && own.includes('merges.txt'))) {
      missing.push(`${join(root, pretrained)}: the tokenizer files (tokenizer.json, or vocab.json + merges.txt) to build the heads from its text tower`);
    }
  }

  // Match by task: the user's choice, the registry's alias, else the folder's own name.
  const taskOf = (folder: string) => fixes.assign?.[folder] ?? findTask(folder)?.name ?? baseOf(folder).replace(/^clip-vit-[a-z0-9-]+?_/i, '');
  const byTask = new Map<string, { experts: string[]; data: string[] }>();
  const at = (t: string) => byTask.get(t) ?? byTask.set(t, { experts: [], data: [] }).get(t)!;
  for (const e of experts) at(taskOf(e)).experts.push(e);
  for (const d of [...dataDirs].sort()) at(taskOf(d)).data.push(d);

  const dropped = [...new Set(fixes.dropped ?? [])].filter((t) => byTask.has(t));
  const order = (t: string) => { const i = STANDARD_TASKS.findIndex((s) => s.name === t); return i < 0 ? STANDARD_TASKS.length : i; };
  const rows: AssemblyRow[] = [...byTask.keys()].filter((t) => !dropped.includes(t))
    .sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map((task) => {
      const m = byTask.get(task)!;
      const std = STANDARD_TASKS.find((s) => s.name === task);
      let status: RowStatus = 'ready';
      let problem: string | null = null;
      if (m.experts.length > 1 || m.data.length > 1) {
        status = 'duplicate';
        const what = m.experts.length > 1 ? ['expert folders', m.experts] as const : ['data folders', m.data] as const;
        problem = `${what[1].length} ${what[0]} match ${task} (${what[1].join(', ')}): give one another task or drop the row`;
      } else if (m.experts.length === 0) { status = 'no-expert'; problem = `no expert folder matches ${task}: pick the task of its expert, or drop the row`; }
      else if (m.data.length === 0) { status = 'no-data'; problem = `no test data matches ${task}: add its parquet split or image folder, pick the task of its data, or drop the row`; }
      return { task, title: std?.title ?? null, experts: m.experts, data: m.data, classes: std ? std.classes.length : null, status, problem };
    });
  for (const r of rows) if (r.problem) missing.push(r.problem);
  const ready = rows.filter((r) => r.status === 'ready');
  if (rows.length > 0 && ready.length === 0) missing.push('no task has both an expert and test data');
  if (rows.length === 0) missing.push('expert folders (CLIPVisionModel, one per task) and their test data');

  const name = root || 'assembled suite';
  let manifest: AssembledManifest | null = null;
  if (pretrained && ready.length > 0) {
    const data: Record<string, string> = {};
    for (const r of ready) if (r.data[0] !== `data/${r.task}`) data[r.task] = r.data[0];
    manifest = {
      name,
      image_size: imageSize ?? 224,
      pretrained,
      experts: Object.fromEntries(ready.map((r) => [r.task, r.experts[0]])),
      tasks: ready.map((r) => {
        const std = STANDARD_TASKS.find((s) => s.name === r.task);
        return std ? { name: r.task, classes: [...std.classes] } : { name: r.task };
      }),
      ...(Object.keys(data).length ? { data } : {}),
      ...(heads ? { heads } : {}),
    };
  }
  return { root, name, pretrainedCandidates, pretrained, rows, dropped, missing, ignored, manifest };
}

/** The tasks a folder can be given in the fix select: the registry's, then the rows' own names. */
export function taskChoices(a: Assembly): { name: string; title: string }[] {
  const own = a.rows.map((r) => r.task).filter((t) => !STANDARD_TASKS.some((s) => s.name === t));
  return [...STANDARD_TASKS.map((s) => ({ name: s.name, title: s.title })), ...own.map((t) => ({ name: t, title: t }))];
}
