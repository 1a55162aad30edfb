// Suites whose manifest leaves out heads, classes, templates and logit_scale, on the real-family
// fixture (a CLIPModel with text tower and tokenizer, CLIPVisionModel experts, Hub parquet splits;
// the folders linked in, as from the Hugging Face cache) with a stand-in head builder: classes
// from the parquet ClassLabel names, templates from the registry / the manifest / the default,
// the builder's logit scale unless the manifest sets one, progress, the cache by content (memory
// and a persistent store), and every error naming what is missing. Old-style fields keep working.
import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SuiteEvaluator } from '../eval/evaluate';
import { memorySource } from '../io/byte-source';
import { nodeFileSource } from '../io/node-source.node';
import { openSafetensors, readAll } from '../io/safetensors';
import type { ClassificationHead } from '../model/heads';
import { findTask } from '../tasks/registry';
import { fixturePath } from '../testing/fixtures.node';
import { openSuiteDir } from './suite-dir.node';
import { folderFiles } from '../model/clip-text/folder.node';
import { type BuildHeads, type HeadRequest, DEFAULT_TEMPLATE, forgetBuiltHeads, headsKey, missingTextTower } from './suite-heads';
import { type TinyTask, randomHead, randomImages, writeTinySuite } from './tiny-suite.node';

const FAMILY = fixturePath('real-family');
const PRE = 'clip-vit-base-patch32';
let dir: string;
let suiteDir: string;

/** A stand-in builder: seeded unit rows [C, 16] per task; records its calls. */
function stub(logitScale: number | null = 42) {
  const calls: { name: string; files: string[]; tasks: HeadRequest[] }[] = [];
  const build: BuildHeads = async (pretrained, tasks, progress) => {
    calls.push({ name: pretrained.name, files: pretrained.files.map((f) => f.name.slice(f.name.lastIndexOf('/') + 1)).sort(), tasks });
    const heads = new Map<string, ClassificationHead>();
    const total = tasks.reduce((s, t) => s + t.classes.length * t.templates.length, 0);
    let done = 0;
    tasks.forEach((t, i) => {
      heads.set(t.name, { task: t.name, numClasses: t.classes.length, dim: 16, weight: randomHead(t.classes.length, 16, 500 + i) });
      done += t.classes.length * t.templates.length;
      progress(done, total);
    });
    return { heads, logitScale };
  };
  return { build, calls };
}

async function suiteWith(manifest: object, name = `s${Math.random().toString(36).slice(2)}`): Promise<string> {
  const d = join(dir, name);
  await mkdir(join(d, 'models'), { recursive: true });
  await symlink(join(FAMILY, PRE), join(d, 'models', 'pretrained'));
  for (const t of ['mnist', 'eurosat', 'svhn']) {
    await symlink(join(FAMILY, `${PRE}_${t}`), join(d, 'models', t));
    await mkdir(join(d, 'data', t), { recursive: true });
    await symlink(join(FAMILY, t, 'test-00000-of-00001.parquet'), join(d, 'data', t, 'test-00000-of-00001.parquet'));
  }
  await mkdir(join(d, 'data', 'digits'), { recursive: true });
  await symlink(join(FAMILY, 'mnist', 'test-00000-of-00001.parquet'), join(d, 'data', 'digits', 'test-00000-of-00001.parquet'));
  await writeFile(join(d, 'manifest.json'), JSON.stringify(manifest));
  return d;
}

const base = {
  name: 'real', image_size: 32, pretrained: 'models/pretrained',
  tasks: [{ name: 'mnist' }, { name: 'eurosat', templates: ['a satellite photo of {}.', 'a blurry satellite photo of {}.'] }, { name: 'digits' }],
  experts: { mnist: 'models/mnist', eurosat: 'models/eurosat', digits: 'models/mnist' },
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mergelab-suite-heads-'));
  suiteDir = await suiteWith(base, 'main');
});
afterAll(() => rm(dir, { recursive: true, force: true }));
beforeEach(() => forgetBuiltHeads());

describe('a manifest without heads, classes, templates or logit_scale', () => {
  it('builds the heads from the pretrained folder with the data\'s classes and the registry\'s templates', async () => {
    const { build, calls } = stub();
    const progress: number[][] = [];
    const suite = await openSuiteDir(suiteDir, { buildHeads: build, onProgress: (p) => progress.push([p.done, p.total]) });
    const mnist = findTask('mnist')!;
    const eurosat = findTask('eurosat')!;
    expect(suite.manifest.tasks.map((t) => t.classes)).toEqual([[...mnist.classes], [...eurosat.classes], [...mnist.classes]]);
    expect(calls).toHaveLength(1);
    expect(calls[0].name).toBe('models/pretrained');
    expect(calls[0].files).toEqual(['config.json', 'merges.txt', 'model.safetensors', 'preprocessor_config.json', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json', 'vocab.json']);
    expect(calls[0].tasks.map((t) => t.templates)).toEqual([[...mnist.templates], base.tasks[1].templates, [DEFAULT_TEMPLATE]]);
    expect(suite.manifest.tasks.map((t) => t.templates)).toEqual(calls[0].tasks.map((t) => t.templates));
    const total = 10 * mnist.templates.length + 10 * 2 + 10;
    expect(progress.at(-1)).toEqual([total, total]);
    expect(suite.manifest.logitScale).toBe(42);
    expect(suite.manifest.heads).toBeUndefined();
    expect(suite.heads.get('eurosat')!.weight).toEqual(randomHead(10, 16, 501));
    const notes = suite.notes.join('\n');
    expect(notes).toMatch(/data\/mnist: 10 classes from the parquet files' ClassLabel names/);
    expect(notes).toMatch(new RegExp(`heads built from the text tower of models/pretrained: ${total} prompts; logit scale 42 \\(the checkpoint's exp\\(logit_scale\\)\\)`));
    expect(suite.preprocessing).toMatchObject({ shortestEdge: 32 });

    // It evaluates: parquet images (grey 28×28, RGB 64×64) through CLIPVisionModel experts without a projection.
    const ev = new SuiteEvaluator(suite);
    const refs = await ev.references({ sample: { size: 10, seed: 1 } });
    expect(refs.images).toEqual({ mnist: 10, eurosat: 10, digits: 10 });
    expect(refs.total).toEqual({ mnist: 30, eurosat: 30, digits: 30 });
    ev.dispose();
  });

  it('takes the manifest\'s logit_scale, and CLIP\'s 100 when the checkpoint has none', async () => {
    const a = await openSuiteDir(await suiteWith({ ...base, logit_scale: 7 }), { buildHeads: stub().build });
    expect(a.manifest.logitScale).toBe(7);
    forgetBuiltHeads();
    const b = await openSuiteDir(suiteDir, { buildHeads: stub(null).build });
    expect(b.manifest.logitScale).toBe(100);
    expect(b.notes.join('\n')).toMatch(/logit scale 100 \(the checkpoint has none: CLIP's 100\)/);
  });

  it('caches the heads by content: in memory, then in a persistent store', async () => {
    const first = stub();
    const stored = new Map<string, Uint8Array>();
    const store = { load: async (n: string) => stored.get(n) ?? null, save: async (n: string, b: Uint8Array) => { stored.set(n, b); } };
    const s1 = await openSuiteDir(suiteDir, { buildHeads: first.build, headStore: store });
    expect(stored.size).toBe(1);
    const again = stub();
    const s2 = await openSuiteDir(suiteDir, { buildHeads: again.build, headStore: store });
    expect(again.calls).toHaveLength(0);
    expect(s2.notes.join('\n')).toMatch(/heads read from the cache/);
    forgetBuiltHeads(); // a new process: the store still has them
    const s3 = await openSuiteDir(suiteDir, { buildHeads: again.build, headStore: store });
    expect(again.calls).toHaveLength(0);
    for (const t of ['mnist', 'eurosat', 'digits']) expect(s3.heads.get(t)!.weight).toEqual(s1.heads.get(t)!.weight);
    expect(s3.manifest.logitScale).toBe(42);
    // Other templates are other heads.
    await openSuiteDir(await suiteWith({ ...base, tasks: [{ name: 'mnist', templates: ['{}'] }, ...base.tasks.slice(1)] }), { buildHeads: again.build, headStore: store });
    expect(again.calls).toHaveLength(1);
  });

  it('keys the heads on the text side only: a vision weight does not change the key, a text weight does', async () => {
    const files = await Promise.all(['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.json', 'merges.txt'].map((f) => nodeFileSource(join(FAMILY, PRE, f))));
    const weights = await readFile(join(FAMILY, PRE, 'model.safetensors'));
    const store = await openSafetensors(files[1]);
    const tasks: HeadRequest[] = [{ name: 'mnist', classes: ['0', '1'], templates: ['{}'] }];
    const key = await headsKey(files, tasks);
    const flip = async (tensor: string) => {
      const b = new Uint8Array(weights);
      b[store.tensors.get(tensor)!.offset + 1] ^= 0x40;
      return headsKey([files[0], memorySource(b, files[1].name), ...files.slice(2)], tasks);
    };
    expect(await flip('vision_model.encoder.layers.0.mlp.fc1.weight')).toBe(key);
    expect(await flip('text_model.encoder.layers.0.mlp.fc1.weight')).not.toBe(key);
    expect(await flip('text_projection.weight')).not.toBe(key);
    expect(await headsKey(files, [{ ...tasks[0], classes: ['0', '2'] }])).not.toBe(key);
  });

  it('refuses a pretrained folder without a text tower or tokenizer, naming the files needed', async () => {
    const d = join(dir, 'no-text');
    const tasks: TinyTask[] = [0, 1].map((i) => ({
      name: `t${i}`, classes: ['a', 'b'], expert: `merge/task-${i}`, images: randomImages(2, 32, 32, 3, i),
      shape: [2, 32, 32, 3], labels: Int32Array.from([0, 1]), form: 'safetensors',
    }));
    await writeTinySuite(d, tasks, { heads: { t0: randomHead(2, 32, 1), t1: randomHead(2, 32, 2) } });
    const m = JSON.parse(await readFile(join(d, 'manifest.json'), 'utf8'));
    delete m.heads;
    await writeFile(join(d, 'manifest.json'), JSON.stringify(m));
    const e = await openSuiteDir(d, { buildHeads: stub().build }).catch((x) => x);
    expect(e.message).toMatch(/manifest\.json: names no "heads", so the heads would be built from the pretrained model's text tower, but models\/pretrained\/ lacks:/);
    expect(e.message).toMatch(/tokenizer files: tokenizer\.json, or vocab\.json \+ merges\.txt/);
    expect(e.message).toMatch(/a text tower in the weights \(text_model\.\* and text_projection\.weight/);
    expect(e.hint).toMatch(/Add "heads": "heads\.safetensors"/);
  });

  it('with no builder passed, builds them from the text tower: equal to PyTorch\'s zero-shot heads, with the checkpoint\'s logit scale', async () => {
    // The pretrained folder is text-a's CLIPModel; heads-golden.safetensors holds PyTorch's heads for tasks.json's tasks.
    const golden = JSON.parse(await readFile(fixturePath('text-a', 'tasks.json'), 'utf8')) as { tasks: HeadRequest[] };
    const d = await suiteWith({
      name: 'golden', image_size: 32, pretrained: 'models/pretrained', tasks: golden.tasks,
      experts: { fashion: 'models/mnist', digits: 'models/mnist' }, data: { fashion: 'data/mnist' },
    });
    const progress: number[][] = [];
    const suite = await openSuiteDir(d, { onProgress: (p) => progress.push([p.done, p.total]) });
    const want = await readAll(await openSafetensors(await nodeFileSource(fixturePath('text-a', 'heads-golden.safetensors'))));
    for (const t of golden.tasks) {
      const w = want.get(t.name)!.values as Float32Array;
      const got = suite.heads.get(t.name)!;
      expect([got.numClasses, got.dim]).toEqual(want.get(t.name)!.shape);
      let diff = 0;
      for (let i = 0; i < w.length; i++) diff = Math.max(diff, Math.abs(got.weight[i] - w[i]));
      expect(diff).toBeLessThan(1e-4);
    }
    const model = await readAll(await openSafetensors(await nodeFileSource(join(FAMILY, PRE, 'model.safetensors'))));
    const logitScale = Math.exp((model.get('logit_scale')!.values as Float32Array)[0]);
    expect(suite.manifest.logitScale).toBeCloseTo(logitScale, 4);
    expect(progress.at(-1)).toEqual([50, 50]); // 10·4 fashion prompts + 10·1 digits prompts
  });

  it('stops building when the signal is aborted, and builds again afterwards', async () => {
    const signal = { aborted: true };
    const e = await openSuiteDir(suiteDir, { signal }).catch((x) => x);
    expect(e.name).toBe('CancelledError');
    signal.aborted = false;
    expect((await openSuiteDir(suiteDir, { signal })).heads.size).toBe(3);
  });
});

describe('classes left out of the manifest', () => {
  it('come from ImageFolder class folders (sorted), else the registry for a known task; else an error naming the tasks', async () => {
    const d = join(dir, 'classes');
    const eurosat = [...findTask('eurosat')!.classes];
    const tasks: TinyTask[] = [
      { name: 'folders', classes: ['zeta', 'alpha', 'mid'], expert: 'merge/task-0', images: randomImages(3, 32, 32, 3, 7), shape: [3, 32, 32, 3], labels: Int32Array.from([0, 1, 2]), form: 'imagefolder' },
      { name: 'eurosat', classes: eurosat, expert: 'merge/task-1', images: randomImages(2, 32, 32, 3, 8), shape: [2, 32, 32, 3], labels: Int32Array.from([3, 9]), form: 'safetensors' },
      { name: 'plain', classes: ['x', 'y'], expert: 'merge/task-2', images: randomImages(2, 32, 32, 3, 9), shape: [2, 32, 32, 3], labels: Int32Array.from([0, 1]), form: 'safetensors' },
    ];
    await writeTinySuite(d, tasks, { heads: { folders: randomHead(3, 32, 1), eurosat: randomHead(10, 32, 2), plain: randomHead(2, 32, 3) } });
    const m = JSON.parse(await readFile(join(d, 'manifest.json'), 'utf8'));
    const bare = (keep: string[]) => ({ ...m, tasks: m.tasks.map((t: { name: string; classes: string[] }) => (keep.includes(t.name) ? t : { name: t.name })) });
    await writeFile(join(d, 'manifest.json'), JSON.stringify(bare(['plain'])));
    const s = await openSuiteDir(d);
    expect(s.manifest.tasks.map((t) => t.classes)).toEqual([['alpha', 'mid', 'zeta'], eurosat, ['x', 'y']]);
    expect(s.notes.join('\n')).toMatch(/data\/folders\/test: 3 classes from the class folders, sorted by name/);
    expect(s.notes.join('\n')).toMatch(/task "eurosat": 10 classes of EuroSAT from the task registry/);
    const imgs = await s.images('folders');
    expect(Array.from(imgs.labels)).toEqual([0, 1, 2]); // one image per class, read in the sorted classes' order
    await writeFile(join(d, 'manifest.json'), JSON.stringify(bare([])));
    const e = await openSuiteDir(d).catch((x) => x);
    expect(e.message).toMatch(/lists no "classes" for 1 task whose names cannot be found elsewhere:\n- task "plain" \(data\/plain: safetensors data carries no class names/);
  });
});

describe('manifest fields', () => {
  it('refuses templates without "{}" and a heads value that is not a path', async () => {
    const d = await suiteWith({ ...base, heads: 3, tasks: [{ name: 'mnist', templates: ['a photo'] }, ...base.tasks.slice(1)] });
    const e = await openSuiteDir(d, { buildHeads: stub().build }).catch((x) => x);
    expect(e.message).toMatch(/2 problems/);
    expect(e.message).toMatch(/"heads" must be a path \(string\), or be left out/);
    expect(e.message).toMatch(/task "mnist": "templates" must be a non-empty array of at most 1000 prompts, each with "\{\}"/);
  });

  it('keeps a given heads file over the text tower', async () => {
    const d = join(dir, 'with-heads');
    await cp(suiteDir, d, { recursive: true, verbatimSymlinks: true });
    const { writeTensors } = await import('./tiny-suite.node');
    await writeTensors(join(d, 'heads.safetensors'), Object.fromEntries(['mnist', 'eurosat', 'digits'].map((t, i) => [t, { dtype: 'F32' as const, shape: [10, 16], values: randomHead(10, 16, 600 + i) }])));
    await writeFile(join(d, 'manifest.json'), JSON.stringify({ ...base, heads: 'heads.safetensors' }));
    const { build, calls } = stub();
    const s = await openSuiteDir(d, { buildHeads: build });
    expect(calls).toHaveLength(0);
    expect(s.manifest.logitScale).toBe(100);
    expect(s.heads.get('digits')!.weight).toEqual(randomHead(10, 16, 602));
  });
});

describe('missingTextTower', () => {
  const VARIANTS = fixturePath('text-variants');
  it('nothing for full and text-only folders with tokenizer files; names what a vision tower or a folder without tokenizer lacks', async () => {
    expect(await missingTextTower(folderFiles(fixturePath('text-a', 'model')))).toEqual([]);
    expect(await missingTextTower(folderFiles(`${VARIANTS}/open-clip-f16`))).toEqual([]);
    expect(await missingTextTower(folderFiles(`${VARIANTS}/hf-bf16-eos`))).toEqual([]);
    expect(await missingTextTower(folderFiles(fixturePath('tiny-a')))).toEqual([expect.stringMatching(/^tokenizer files/), expect.stringMatching(/^a text tower in the weights/)]);
    expect(await missingTextTower(folderFiles(fixturePath('text-a', 'model'), { drop: ['tokenizer.json', 'vocab.json'] }))).toEqual([expect.stringMatching(/^tokenizer files/)]);
  });
});
