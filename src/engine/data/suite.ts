/**
 * A task suite read from the files of one folder (browser folder drop or a Node directory walk):
 * manifest.json, the pretrained and expert checkpoints, heads.safetensors and each task's data.
 * Everything named by the manifest is checked up front (all missing files listed at once); a task's
 * images are opened on first use. Data of a split, in `data/<task>/`, in order of preference:
 * `<split>.safetensors`, an ImageFolder `<split>/<class>/*.png|jpg`, or IDX files
 * `<split>-images-idx3-ubyte[.gz]` + `<split>-labels-idx1-ubyte[.gz]` (`t10k-…` also for test), or
 * Hugging Face parquet files `<split>-00000-of-0000N.parquet` (parquet/files.ts).
 */
import { MergelabError } from '../errors';
import { MAX_JSON_BYTES } from '../io/bounded';
import type { ByteSource } from '../io/byte-source';
import { openSafetensors } from '../io/safetensors';
import type { Checkpoint } from '../model/clip-vit/checkpoint';
import { assertPool, checkPool } from '../model/clip-vit/pool';
import { openCheckpoint } from '../model/clip-vit/open-checkpoint';
import { type ClassificationHead, readHeads } from '../model/heads';
import { readPickledHeads } from '../model/pickled-heads';
import { SuiteError } from './errors';
import { idxImages } from './idx';
import type { ImageDecoder } from './image-decoder';
import { imageFolderImages } from './imagefolder';
import { parquetSplitFiles } from './parquet/files';
import { parquetImages } from './parquet/images';
import { openParquetSplit } from './parquet/split';
import { type SuiteManifest, parseManifest } from './manifest';
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
  const manifest = parseManifest(new TextDecoder().decode(await manifestSrc.read(0, manifestSrc.size)), manifestSrc.name);
  const notes: string[] = [];

  // Everything the manifest names must exist: report all that is missing at once.
  const missing: string[] = [];
  const modelDirs = new Map<string, string>([['pretrained', manifest.pretrained], ...Object.entries(manifest.experts).map(([t, d]) => [`experts."${t}"`, d] as [string, string])]);
  for (const [role, dir] of modelDirs) if (!under(files, dir).length) missing.push(`${dir}/ (the ${role} model: config.json + model.safetensors)`);
  // "heads" names heads.safetensors, or a folder of task_vectors head_<task>.pt files.
  const headFolder = files.has(manifest.heads) ? null : under(files, manifest.heads.replace(/\/+$/, ''));
  if (headFolder && !headFolder.length) missing.push(`${manifest.heads} (the classification heads)`);
  const splits = new Map<string, SplitData | null>();
  for (const t of manifest.tasks) {
    const dir = manifest.data[t.name] ?? `data/${t.name}`;
    for (const split of ['test', 'train'] as const) splits.set(`${t.name}/${split}`, locateSplit(files, dir, split, notes));
    if (!splits.get(`${t.name}/test`)) missing.push(`${dir}/test.safetensors (or an ImageFolder ${dir}/test/<class>/, or test-images-idx3-ubyte + test-labels-idx1-ubyte, or test-*.parquet)`);
  }
  if (missing.length) {
    throw new SuiteError(`${root}/manifest.json`, `names ${missing.length} missing file${missing.length > 1 ? 's or folders' : ' or folder'}:\n- ${missing.join('\n- ')}`,
      'Add the missing files to the suite folder, or fix the paths in manifest.json (they are relative to the suite folder).');
  }

  const open = (dir: string) => openCheckpoint(dir, under(files, dir).map((f) => f.source));
  const pretrained = await open(manifest.pretrained);
  const experts = new Map<string, Checkpoint>();
  for (const t of manifest.tasks) experts.set(t.name, await open(manifest.experts[t.name]));
  const pool = checkPool(pretrained, [...experts.values()]);
  if (!pool.ok) assertPool(pretrained, [...experts.values()]); // throws, listing every problem
  notes.push(...pool.notes);
  if (pretrained.config.imageSize !== manifest.imageSize) {
    throw new SuiteError(`${root}/manifest.json`, `"image_size" is ${manifest.imageSize} but the pretrained model takes ${pretrained.config.imageSize}×${pretrained.config.imageSize} images.`, 'Set "image_size" to the models\' input size.');
  }
  let heads: ReadonlyMap<string, ClassificationHead>;
  let logitScale = manifest.logitScale;
  if (headFolder) {
    const read = await readPickledHeads(`${root}/${manifest.heads}`, new Map(headFolder.map((f) => [f.path, f.source])), manifest.tasks);
    heads = read.heads;
    logitScale = read.logitScale;
    notes.push(read.note);
  } else heads = await readHeads(await openSafetensors(files.get(manifest.heads)!), manifest.tasks);
  const headsSrc = headFolder ? { name: `${root}/${manifest.heads}` } : files.get(manifest.heads)!;
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
        return openParquetSplit(data.root, data.files).then((s) => parquetImages(task, s, t.classes.length, decoder));
      }
    }
  };
  return {
    root,
    manifest: logitScale === manifest.logitScale ? manifest : { ...manifest, logitScale },
    pretrained,
    experts,
    heads,
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
