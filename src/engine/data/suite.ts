/**
 * A task suite read from the files of one folder (browser folder drop or a Node directory walk):
 * manifest.json, the pretrained and expert checkpoints, heads.safetensors and each task's data.
 * Everything named by the manifest is checked up front (all missing files listed at once); a task's
 * images are opened on first use. Data of a split, in `data/<task>/`, in order of preference:
 * `<split>.safetensors`, an ImageFolder `<split>/<class>/*.png|jpg`, or IDX files
 * `<split>-images-idx3-ubyte[.gz]` + `<split>-labels-idx1-ubyte[.gz]` (`t10k-…` also for test), or
 * Hugging Face parquet files `<split>-00000-of-0000N.parquet` (parquet/files.ts).
 * What the manifest leaves out is filled in here: a task's classes from its data (the parquet
 * files' ClassLabel names, the ImageFolder's class folders sorted by name) or else the task
 * registry; the heads from the pretrained folder's text tower (suite-heads.ts); the logit scale
 * from the checkpoint when the heads were built. A preprocessor_config.json in the pretrained
 * folder sets the images' resize target, mean and std.
 */
import { MergelabError } from '../errors';
import { MAX_JSON_BYTES } from '../io/bounded';
import type { ByteSource } from '../io/byte-source';
import { openSafetensors } from '../io/safetensors';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { assertPool, checkPool } from '../model/clip-vit/pool';
import { openCheckpoint } from '../model/clip-vit/open-checkpoint';
import { type ClassificationHead, readHeads } from '../model/heads';
import type { Preprocessing } from '../model/clip-vit/preprocess';
import { PREPROCESSOR_CONFIG, readPreprocessorConfig } from '../model/clip-vit/preprocessor-config';
import { findTask } from '../tasks/registry';
import { readPickledHeads } from '../model/pickled-heads';
import { SuiteError } from './errors';
import { idxImages } from './idx';
import type { ImageDecoder } from './image-decoder';
import { imageFolderImages } from './imagefolder';
import { parquetSplitFiles } from './parquet/files';
import { parquetImages } from './parquet/images';
import { type ParquetSplit, openParquetSplit } from './parquet/split';
import { type SuiteManifest, type SuiteTask, readManifest } from './manifest';
import { type BuildHeads, type HeadStore, suiteHeads, taskTemplates } from './suite-heads';
import { DEFAULT_BUILD_HEADS } from './zero-shot-builder';
import type { TaskImages } from './task-images';
import { safetensorsImages } from './tensor-images';

/** The files of a suite by '/'-separated path relative to the suite folder ("models/x/config.json"). */
export type SuiteFiles = ReadonlyMap<string, ByteSource>;
export type Split = 'test' | 'train';

export interface Suite {
  /** The suite folder, for messages. */
  readonly root: string;
  readonly manifest: SuiteManifest;
  readonly pretrained: Checkpoint;
  /** Task → expert checkpoint, in manifest task order. */
  readonly experts: ReadonlyMap<string, Checkpoint>;
  readonly heads: ReadonlyMap<string, ClassificationHead>;
  /** The pretrained folder's preprocessor_config.json, when it has one (else CLIP's defaults apply). */
  readonly preprocessing: Preprocessing | null;
  /** Non-fatal findings (alternative data forms ignored, …); data notes are on TaskImages. */
  readonly notes: readonly string[];
  /** Whether a split exists for a task (train is optional). */
  hasSplit(task: string, split: Split): boolean;
  /** A task's images; opened and validated on first call, then reused. */
  images(task: string, split?: Split): Promise<TaskImages>;
}

/**
 * Re-roots files given with paths relative to some folder (webkitRelativePath, a directory walk):
 * the folder of the shallowest manifest.json becomes the suite root; files outside it are dropped.
 */
export function suiteFiles(entries: Iterable<{ path: string; source: ByteSource }>): SuiteFiles {
  const list = [...entries].map((e) => ({ path: e.path.replace(/\\/g, '/').replace(/^\/+/, ''), source: e.source }));
  const manifests = list.filter((e) => e.path === 'manifest.json' || e.path.endsWith('/manifest.json'))
    .sort((a, b) => a.path.split('/').length - b.path.split('/').length);
  const prefix = manifests.length ? manifests[0].path.slice(0, -'manifest.json'.length) : '';
  return new Map(list.filter((e) => e.path.startsWith(prefix)).map((e) => [e.path.slice(prefix.length), e.source]));
}

type SplitData =
  | { kind: 'safetensors'; source: ByteSource }
  | { kind: 'imagefolder'; root: string; files: { path: string; source: ByteSource }[] }
  | { kind: 'idx'; images: ByteSource; labels: ByteSource }
  | { kind: 'parquet'; root: string; files: ByteSource[] };

function under(files: SuiteFiles, dir: string): { path: string; source: ByteSource }[] {
  const p = `${dir}/`;
  return [...files].filter(([k]) => k.startsWith(p)).map(([k, source]) => ({ path: k.slice(p.length), source }));
}

/** Finds a task's split; notes forms present but ignored because a preferred one exists. */
function locateSplit(files: SuiteFiles, dir: string, split: Split, notes: string[]): SplitData | null {
  const found: SplitData[] = [];
  const st = files.get(`${dir}/${split}.safetensors`);
  if (st) found.push({ kind: 'safetensors', source: st });
  const folder = under(files, `${dir}/${split}`);
  if (folder.length) found.push({ kind: 'imagefolder', root: `${dir}/${split}`, files: folder });
  const prefix = split === 'test' ? '(?:test|t10k)' : 'train';
  const pick = (what: string) => {
    const re = new RegExp(`^${prefix}-${what}[.-]idx\\d-ubyte(?:\\.gz)?$`);
    return under(files, dir).find((f) => re.test(f.path))?.source;
  };
  const images = pick('images');
  const labels = pick('labels');
  if (images && labels) found.push({ kind: 'idx', images, labels });
  const taskFiles = under(files, dir);
  const parquet = parquetSplitFiles(taskFiles.map((f) => f.path), split);
  if (parquet.length) found.push({ kind: 'parquet', root: dir, files: parquet.map((p) => taskFiles.find((f) => f.path === p)!.source) });
  if (found.length > 1) notes.push(`${dir}: ${split} data found as ${found.map((f) => f.kind).join(' and ')}; using ${found[0].kind}.`);
  return found[0] ?? null;
}

export interface OpenSuiteOptions {
  /** Suite folder name for messages. */
  root?: string;
  /** Needed only for ImageFolder and parquet data. */
  decoder?: ImageDecoder;
  /** Builds zero-shot heads from the pretrained folder's text tower when the manifest names no "heads" (default: zero-shot-builder.ts). */
  buildHeads?: BuildHeads;
  /** Keeps built heads across reloads (by content); they are always kept in memory for the process. */
  headStore?: HeadStore;
  /** Progress of building heads (prompts embedded / to embed). */
  onProgress?: (p: { stage: 'heads'; done: number; total: number }) => void;
  /** Stops building heads (between batches of prompts) with a CancelledError. */
  signal?: { readonly aborted: boolean };
}

/** Class folders of an ImageFolder split (the first path segment of each image in a sub-folder), sorted like torchvision's ImageFolder. */
function folderClasses(files: readonly { path: string }[]): string[] {
  const names = new Set<string>();
  for (const f of files) {
    const slash = f.path.indexOf('/');
    if (slash > 0 && /\.(png|jpe?g)$/i.test(f.path)) names.add(f.path.slice(0, slash));
  }
  return [...names].sort();
}

export async function openSuite(files: SuiteFiles, opts: OpenSuiteOptions = {}): Promise<Suite> {
  const root = opts.root ?? 'suite';
  const manifestSrc = files.get('manifest.json');
  if (!manifestSrc) {
    throw new SuiteError(root, `has no manifest.json (among ${files.size} files).`, 'Choose the suite folder itself: the one that contains manifest.json, models/, heads.safetensors and data/.');
  }
  if (manifestSrc.size > MAX_JSON_BYTES) {
    throw new SuiteError(manifestSrc.name, `is ${manifestSrc.size} bytes, more than the ${MAX_JSON_BYTES}-byte limit for a manifest.`, 'Choose the suite folder whose manifest.json is the small JSON file described in the README.');
  }
  const { manifest: parsed, logitScaleGiven } = readManifest(new TextDecoder().decode(await manifestSrc.read(0, manifestSrc.size)), manifestSrc.name);
  const notes: string[] = [];

  // Everything the manifest names must exist: report all that is missing at once.
  const missing: string[] = [];
  const modelDirs = new Map<string, string>([['pretrained', parsed.pretrained], ...Object.entries(parsed.experts).map(([t, d]) => [`experts."${t}"`, d] as [string, string])]);
  for (const [role, dir] of modelDirs) if (!under(files, dir).length) missing.push(`${dir}/ (the ${role} model: config.json + model.safetensors)`);
  // "heads" names heads.safetensors, or a folder of task_vectors head_<task>.pt files.
  const headsPath = parsed.heads;
  const headFolder = headsPath === undefined || files.has(headsPath) ? null : under(files, headsPath.replace(/\/+$/, ''));
  if (headFolder && !headFolder.length) missing.push(`${headsPath} (the classification heads)`);
  const splits = new Map<string, SplitData | null>();
  for (const t of parsed.tasks) {
    const dir = parsed.data[t.name] ?? `data/${t.name}`;
    for (const split of ['test', 'train'] as const) splits.set(`${t.name}/${split}`, locateSplit(files, dir, split, notes));
    if (!splits.get(`${t.name}/test`)) missing.push(`${dir}/test.safetensors (or an ImageFolder ${dir}/test/<class>/, or test-images-idx3-ubyte + test-labels-idx1-ubyte, or test-*.parquet)`);
  }
  if (missing.length) {
    throw new SuiteError(`${root}/manifest.json`, `names ${missing.length} missing file${missing.length > 1 ? 's or folders' : ' or folder'}:\n- ${missing.join('\n- ')}`,
      'Add the missing files to the suite folder, or fix the paths in manifest.json (they are relative to the suite folder).');
  }

  const open = (dir: string) => openCheckpoint(dir, under(files, dir).map((f) => f.source));
  const pretrained = await open(parsed.pretrained);
  const experts = new Map<string, Checkpoint>();
  for (const t of parsed.tasks) experts.set(t.name, await open(parsed.experts[t.name]));
  const pool = checkPool(pretrained, [...experts.values()]);
  if (!pool.ok) assertPool(pretrained, [...experts.values()]); // throws, listing every problem
  notes.push(...pool.notes);
  if (pretrained.config.imageSize !== parsed.imageSize) {
    throw new SuiteError(`${root}/manifest.json`, `"image_size" is ${parsed.imageSize} but the pretrained model takes ${pretrained.config.imageSize}×${pretrained.config.imageSize} images.`, 'Set "image_size" to the models\' input size.');
  }
  const preSrc = files.get(`${parsed.pretrained}/${PREPROCESSOR_CONFIG}`);
  const preprocessing = preSrc ? await readPreprocessorConfig(preSrc, parsed.imageSize) : null;
  if (preprocessing) notes.push(`${parsed.pretrained}/${PREPROCESSOR_CONFIG}: images resized to ${preprocessing.shortestEdge} on the shorter side, centre-cropped to ${parsed.imageSize}, mean ${preprocessing.mean.join('/')}, std ${preprocessing.std.join('/')}.`);

  // Classes the manifest leaves out: from the data (parquet ClassLabel names, ImageFolder folders), else the task registry.
  const parquetSplits = new Map<string, Promise<ParquetSplit>>();
  const openParquet = (task: string, split: Split, data: Extract<SplitData, { kind: 'parquet' }>) => {
    const key = `${task}/${split}`;
    if (!parquetSplits.has(key)) parquetSplits.set(key, openParquetSplit(data.root, data.files));
    return parquetSplits.get(key)!;
  };
  const noClasses: string[] = [];
  const tasks: SuiteTask[] = [];
  for (const t of parsed.tasks) {
    let classes = t.classes;
    if (!classes) {
      const data = splits.get(`${t.name}/test`)!;
      if (data.kind === 'parquet') {
        const names = (await openParquet(t.name, 'test', data)).classNames;
        if (names) { classes = names; notes.push(`${data.root}: ${names.length} classes from the parquet files' ClassLabel names.`); }
      } else if (data.kind === 'imagefolder') {
        const names = folderClasses(data.files);
        if (names.length) { classes = names; notes.push(`${data.root}: ${names.length} classes from the class folders, sorted by name.`); }
      }
      const known = findTask(t.name);
      if (!classes && known) { classes = [...known.classes]; notes.push(`task "${t.name}": ${classes.length} classes of ${known.title} from the task registry (labels must follow its order).`); }
    }
    if (classes) tasks.push({ name: t.name, classes, ...(t.templates ? { templates: t.templates } : {}) });
    else noClasses.push(`task "${t.name}" (data/${t.name}: ${splits.get(`${t.name}/test`)!.kind} data carries no class names, and the task registry does not know the name)`);
  }
  if (noClasses.length) {
    throw new SuiteError(`${root}/manifest.json`, `lists no "classes" for ${noClasses.length} task${noClasses.length > 1 ? 's' : ''} whose names cannot be found elsewhere:\n- ${noClasses.join('\n- ')}`,
      'List each task\'s "classes" in manifest.json (in label order), or give its data as Hugging Face parquet files with ClassLabel metadata or as an ImageFolder.');
  }
  const manifestBase = { ...parsed, tasks };

  let heads: ReadonlyMap<string, ClassificationHead>;
  let logitScale = parsed.logitScale;
  let headsSrc: { name: string };
  if (headsPath === undefined) {
    const requests = tasks.map((t) => ({ name: t.name, classes: t.classes, templates: taskTemplates(t.name, t.templates) }));
    const built = await suiteHeads(parsed.pretrained, under(files, parsed.pretrained).map((f) => f.source), requests, {
      build: opts.buildHeads ?? DEFAULT_BUILD_HEADS, store: opts.headStore, root,
      onProgress: (done, total) => opts.onProgress?.({ stage: 'heads', done, total }), signal: opts.signal,
    });
    const wrong = requests.filter((r) => built.heads.get(r.name)?.numClasses !== r.classes.length);
    if (wrong.length) throw new SuiteError(`${root}/${parsed.pretrained}`, `the head builder returned no [${wrong[0].classes.length}, P] head for task "${wrong[0].name}".`, 'This is a bug in the head builder.');
    heads = built.heads;
    if (!logitScaleGiven) logitScale = built.logitScale ?? 100;
    tasks.forEach((t, i) => { t.templates = requests[i].templates; });
    headsSrc = { name: `${root}/${parsed.pretrained}` };
    notes.push(`heads ${built.cached ? 'read from the cache (built earlier' : 'built'} from the text tower of ${parsed.pretrained}${built.cached ? ')' : ''}: ${requests.reduce((s, r) => s + r.classes.length * r.templates.length, 0)} prompts; logit scale ${logitScale}${logitScaleGiven ? ' (manifest)' : built.logitScale !== null ? ' (the checkpoint\'s exp(logit_scale))' : ' (the checkpoint has none: CLIP\'s 100)'}.`);
  } else if (headFolder) {
    const read = await readPickledHeads(`${root}/${headsPath}`, new Map(headFolder.map((f) => [f.path, f.source])), tasks);
    heads = read.heads;
    logitScale = read.logitScale;
    notes.push(read.note);
    headsSrc = { name: `${root}/${headsPath}` };
  } else {
    headsSrc = files.get(headsPath)!;
    heads = await readHeads(await openSafetensors(files.get(headsPath)!), tasks);
  }
  const manifest: SuiteManifest = { ...manifestBase, logitScale };
  const featureDim = pretrained.config.projectionDim ?? pretrained.config.hiddenSize;
  const wrongDim = [...heads.values()].find((h) => h.dim !== featureDim);
  if (wrongDim) {
    throw new SuiteError(headsSrc.name, `head "${wrongDim.task}" is [${wrongDim.numClasses}, ${wrongDim.dim}] but the models' image features have ${featureDim} dimensions.`,
      'Build the heads from the same model family: P must equal projection_dim (or hidden_size without a projection).');
  }

  const opened = new Map<string, Promise<TaskImages>>();
  const load = (task: string, split: Split): Promise<TaskImages> => {
    const t = manifest.tasks.find((x) => x.name === task);
    if (!t) throw new SuiteError(root, `has no task "${task}" (tasks: ${manifest.tasks.map((x) => x.name).join(', ')}).`);
    const data = splits.get(`${task}/${split}`);
    const dir = manifest.data[task] ?? `data/${task}`;
    if (!data) throw new SuiteError(`${root}/${dir}`, `has no ${split} split.`, `Add ${dir}/${split}.safetensors.`);
    switch (data.kind) {
      case 'safetensors': return safetensorsImages(task, data.source, t.classes.length);
      case 'idx': return idxImages(task, data.images, data.labels, t.classes.length);
      case 'imagefolder':
        if (!opts.decoder) throw new SuiteError(data.root, 'is an ImageFolder but no image decoder was given.', 'This is a bug: pass an ImageDecoder to openSuite.');
        return Promise.resolve(imageFolderImages(task, data.root, data.files, t.classes, opts.decoder));
      case 'parquet': {
        const decoder = opts.decoder;
        if (!decoder) throw new SuiteError(data.root, 'holds parquet data but no image decoder was given.', 'This is a bug: pass an ImageDecoder to openSuite.');
        const pq = openParquet(task, split, data);
        pq.catch(() => parquetSplits.delete(`${task}/${split}`)); // retried on the next open
        return pq.then((s) => parquetImages(task, s, t.classes.length, decoder));
      }
    }
  };
  return {
    root,
    manifest,
    pretrained,
    experts,
    heads,
    preprocessing,
    notes,
    hasSplit: (task, split) => !!splits.get(`${task}/${split}`),
    images(task, split = 'test') {
      const key = `${task}/${split}`;
      if (!opened.has(key)) {
        const p = (async () => load(task, split))();
        p.catch(() => opened.delete(key)); // a failed open can be retried after the user fixes the file
        opened.set(key, p);
      }
      return opened.get(key)!;
    },
  };
}

/**
 * The tasks a merge or an evaluation uses: a subset of the suite's, in manifest order (all of
 * them when `subset` is omitted). Unknown names or an empty subset are usage errors.
 */
export function suiteTaskNames(suite: Pick<Suite, 'root' | 'manifest'>, subset?: readonly string[]): string[] {
  const all = suite.manifest.tasks.map((t) => t.name);
  if (subset === undefined) return all;
  const unknown = subset.filter((t) => !all.includes(t));
  if (unknown.length) throw new MergelabError('usage', `${suite.root} has no task ${unknown.map((t) => `"${t}"`).join(', ')}.`, `Choose among its tasks: ${all.join(', ')}.`);
  if (subset.length === 0) throw new MergelabError('usage', 'The task subset is empty.', 'Choose at least two of the suite\'s tasks to merge.');
  return all.filter((t) => subset.includes(t));
}
