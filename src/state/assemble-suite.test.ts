import { describe, expect, it } from 'vitest';
import { assembleSuite, configPaths, dropRoot, modelKind, taskChoices } from './assemble-suite';

const CLIP = { architectures: ['CLIPModel'], text_config: { hidden_size: 8 }, vision_config: { image_size: 32 } };
const VISION = { architectures: ['CLIPVisionModel'], image_size: 32 };
const PRE = ['config.json', 'model.safetensors', 'tokenizer.json', 'vocab.json', 'merges.txt'];
const EXPERT = ['config.json', 'model.safetensors'];

/** Paths and config.json contents of a drop: folder → its files, and the configs by folder. */
function drop(folders: Record<string, string[]>, configs: Record<string, unknown> = {}) {
  const paths = Object.entries(folders).flatMap(([d, fs]) => fs.map((f) => `${d}/${f}`));
  return { paths, configs: new Map(Object.entries(configs).map(([d, c]) => [`${d}/config.json`, c])) };
}

/** The FusionBench-style family under one parent folder, as the Hub serves it. */
function family(parent = 'real-family') {
  return drop({
    [`${parent}/clip-vit-base-patch32`]: PRE,
    [`${parent}/clip-vit-base-patch32_mnist`]: EXPERT,
    [`${parent}/clip-vit-base-patch32_eurosat`]: EXPERT,
    [`${parent}/mnist`]: ['test-00000-of-00001.parquet'],
    [`${parent}/eurosat`]: ['test-00000-of-00001.parquet'],
  }, {
    [`${parent}/clip-vit-base-patch32`]: CLIP,
    [`${parent}/clip-vit-base-patch32_mnist`]: VISION,
    [`${parent}/clip-vit-base-patch32_eurosat`]: VISION,
  });
}

describe('assembleSuite', () => {
  it('assembles a parent folder: pretrained by its config, experts and parquet data matched through the aliases', () => {
    const { paths, configs } = family();
    const a = assembleSuite(paths, configs);
    expect(a.root).toBe('real-family');
    expect(a.pretrained).toBe('clip-vit-base-patch32');
    expect(a.missing).toEqual([]);
    expect(a.ignored).toEqual([]);
    // EuroSAT before MNIST: the papers' task order.
    expect(a.rows.map((r) => [r.task, r.title, r.experts, r.data, r.classes, r.status])).toEqual([
      ['eurosat', 'EuroSAT', ['clip-vit-base-patch32_eurosat'], ['eurosat'], 10, 'ready'],
      ['mnist', 'MNIST', ['clip-vit-base-patch32_mnist'], ['mnist'], 10, 'ready'],
    ]);
    expect(a.manifest).toEqual({
      name: 'real-family',
      image_size: 32,
      pretrained: 'clip-vit-base-patch32',
      experts: { eurosat: 'clip-vit-base-patch32_eurosat', mnist: 'clip-vit-base-patch32_mnist' },
      tasks: [
        { name: 'eurosat', classes: ['annual crop land', 'forest', 'brushland or shrubland', 'highway or road', 'industrial buildings or commercial buildings', 'pasture land', 'permanent crop land', 'residential buildings or homes or apartments', 'river', 'lake or sea'] },
        { name: 'mnist', classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
      ],
      data: { eurosat: 'eurosat', mnist: 'mnist' },
    });
  });

  it('takes folders dropped side by side (no parent) and Hub layouts: tanganke/<task>/data/*.parquet, underscores and hyphens', () => {
    const { paths, configs } = drop({
      'openai-clip': PRE,
      'clip-vit-base-patch32_stanford-cars': EXPERT,
      'clip-vit-base-patch32_sun397': EXPERT,
      'stanford_cars/data': ['test-00000-of-00002.parquet', 'test-00001-of-00002.parquet'],
      'tanganke/sun397/data': ['test-00000-of-00001.parquet'],
    }, { 'openai-clip': CLIP, 'clip-vit-base-patch32_stanford-cars': VISION, 'clip-vit-base-patch32_sun397': VISION });
    const a = assembleSuite(paths, configs);
    expect(a.root).toBe('');
    expect(a.name).toBe('assembled suite');
    expect(a.rows.map((r) => [r.task, r.experts[0], r.data[0], r.status])).toEqual([
      ['sun397', 'clip-vit-base-patch32_sun397', 'tanganke/sun397', 'ready'],
      ['stanford_cars', 'clip-vit-base-patch32_stanford-cars', 'stanford_cars', 'ready'],
    ]);
    expect(a.manifest?.data).toEqual({ sun397: 'tanganke/sun397', stanford_cars: 'stanford_cars' });
  });

  it('matches tasks the registry does not know by folder name; data/<task> needs no "data" entry; ImageFolder, IDX and test.safetensors count as data', () => {
    const { paths, configs } = drop({
      'suite/models/pretrained': PRE,
      'suite/models/waves': EXPERT,
      'suite/models/folders': EXPERT,
      'suite/models/scans': EXPERT,
      'suite/data/waves': ['test.safetensors'],
      'suite/data/folders/test/red': ['img000.png'],
      'suite/data/folders/test/blue': ['img001.jpg'],
      'suite/data/scans': ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
    }, { 'suite/models/pretrained': CLIP, 'suite/models/waves': VISION, 'suite/models/folders': VISION, 'suite/models/scans': VISION });
    const a = assembleSuite(paths, configs);
    expect(a.rows.map((r) => [r.task, r.experts[0], r.data[0], r.classes, r.status])).toEqual([
      ['folders', 'models/folders', 'data/folders', null, 'ready'],
      ['scans', 'models/scans', 'data/scans', null, 'ready'],
      ['waves', 'models/waves', 'data/waves', null, 'ready'],
    ]);
    expect(a.manifest?.data).toBeUndefined();
    expect(a.manifest?.tasks).toEqual([{ name: 'folders' }, { name: 'scans' }, { name: 'waves' }]);
  });

  it('leaves unmatched folders in rows of their own until the user picks their task', () => {
    const { paths, configs } = drop({
      'x/pre': PRE, 'x/my-expert': EXPERT, 'x/digits': ['test-00000-of-00001.parquet'],
    }, { 'x/pre': CLIP, 'x/my-expert': VISION });
    const a = assembleSuite(paths, configs);
    expect(a.rows.map((r) => [r.task, r.status])).toEqual([['digits', 'no-expert'], ['my-expert', 'no-data']]);
    expect(a.manifest).toBeNull();
    expect(a.missing).toEqual([
      'no expert folder matches digits: pick the task of its expert, or drop the row',
      'no test data matches my-expert: add its parquet split or image folder, pick the task of its data, or drop the row',
      'no task has both an expert and test data',
    ]);
    expect(taskChoices(a).slice(-2)).toEqual([{ name: 'digits', title: 'digits' }, { name: 'my-expert', title: 'my-expert' }]);
    const fixed = assembleSuite(paths, configs, { assign: { 'my-expert': 'mnist', digits: 'mnist' } });
    expect(fixed.rows.map((r) => [r.task, r.experts, r.data, r.status])).toEqual([['mnist', ['my-expert'], ['digits'], 'ready']]);
    expect(fixed.manifest?.experts).toEqual({ mnist: 'my-expert' });
    expect(fixed.manifest?.data).toEqual({ mnist: 'digits' });
  });

  it('flags two experts for one task; dropping the row or reassigning one fixes it', () => {
    const { paths, configs } = drop({
      'f/pre': PRE, 'f/clip-vit-base-patch32_mnist': EXPERT, 'f/mnist-finetuned': EXPERT, 'f/svhn-expert': EXPERT,
      'f/mnist': ['test.parquet'], 'f/svhn': ['test-00000-of-00001.parquet'],
    }, { 'f/pre': CLIP });
    const a = assembleSuite(paths, configs, { assign: { 'mnist-finetuned': 'mnist', 'svhn-expert': 'svhn' } });
    const mnist = a.rows.find((r) => r.task === 'mnist')!;
    expect(mnist.status).toBe('duplicate');
    expect(mnist.problem).toBe('2 expert folders match mnist (clip-vit-base-patch32_mnist, mnist-finetuned): give one another task or drop the row');
    expect(a.manifest?.tasks.map((t) => t.name)).toEqual(['svhn']);
    const dropped = assembleSuite(paths, configs, { assign: { 'mnist-finetuned': 'mnist', 'svhn-expert': 'svhn' }, dropped: ['mnist'] });
    expect(dropped.rows.map((r) => r.task)).toEqual(['svhn']);
    expect(dropped.dropped).toEqual(['mnist']);
    expect(dropped.missing).toEqual([]);
  });

  it('says what is missing: the pretrained model, its tokenizer files, which of two pretrained folders', () => {
    const experts = { 'p/clip-vit-base-patch32_mnist': EXPERT, 'p/mnist': ['test-00000-of-00001.parquet'] };
    const none = drop(experts, { 'p/clip-vit-base-patch32_mnist': VISION });
    const a = assembleSuite(none.paths, none.configs);
    expect(a.pretrained).toBeNull();
    expect(a.manifest).toBeNull();
    expect(a.missing).toEqual(['a pretrained CLIPModel folder (config.json with "architectures": ["CLIPModel"], model.safetensors and the tokenizer files), e.g. openai/clip-vit-base-patch32']);

    const noTok = drop({ ...experts, 'p/pre': EXPERT }, { 'p/pre': CLIP });
    expect(assembleSuite(noTok.paths, noTok.configs).missing).toEqual(['p/pre: the tokenizer files (tokenizer.json, or vocab.json + merges.txt) to build the heads from its text tower']);

    const two = drop({ ...experts, 'p/a': PRE, 'p/b': PRE }, { 'p/a': CLIP, 'p/b': CLIP });
    const t = assembleSuite(two.paths, two.configs);
    expect(t.pretrainedCandidates).toEqual(['a', 'b']);
    expect(t.missing).toEqual(['choose the pretrained model: a, b all hold a text tower']);
    expect(assembleSuite(two.paths, two.configs, { pretrained: 'b' }).manifest?.pretrained).toBe('b');
  });

  it('names a config.json that is not JSON and files that are neither model nor data; a heads file makes tokenizer files unnecessary', () => {
    const { paths, configs } = drop({ 'h/pre': EXPERT, 'h/bad': EXPERT, 'h/clip-vit-base-patch32_mnist': EXPERT, 'h/mnist': ['test.parquet'], h: ['heads.safetensors', 'notes.txt', 'README.md'] },
      { 'h/pre': CLIP, 'h/clip-vit-base-patch32_mnist': VISION });
    configs.set('h/bad/config.json', undefined);
    const a = assembleSuite(paths, configs);
    expect(a.root).toBe('h');
    expect(a.missing).toEqual(['h/bad/config.json is not valid JSON: fix or replace it (it says what the model is).']);
    expect(a.ignored).toEqual(['h/notes.txt: neither part of a model folder nor test data']);
    expect(a.manifest?.heads).toBe('heads.safetensors');
  });

  it('reports test data outside a task folder instead of guessing its task', () => {
    const { paths, configs } = drop({ pre: PRE, 'clip-vit-base-patch32_mnist': EXPERT }, { pre: CLIP });
    const a = assembleSuite([...paths, 'test-00000-of-00001.parquet'], configs);
    expect(a.ignored).toEqual(['the top level: test data outside a folder: put it in a folder named after its task (e.g. mnist/)']);
  });
});

describe('dropRoot, configPaths, modelKind', () => {
  it('takes the shared first folder as the parent unless it is itself a model or data folder', () => {
    expect(dropRoot(['p/a/config.json', 'p/b/x.parquet'])).toBe('p');
    expect(dropRoot(['a/config.json', 'b/x.parquet'])).toBe('');
    expect(dropRoot(['m/config.json', 'm/model.safetensors'])).toBe('');
    expect(dropRoot(['mnist/test.parquet'])).toBe('');
    expect(configPaths(['p/a/config.json', 'p/a/model.safetensors', 'p/config.json.bak'])).toEqual(['p/a/config.json']);
  });

  it('reads CLIPModel or a text tower as pretrained, anything else as an expert', () => {
    expect(modelKind({ architectures: ['CLIPModel'] })).toBe('pretrained');
    expect(modelKind({ text_config: {}, vision_config: {} })).toBe('pretrained');
    expect(modelKind({ architectures: ['CLIPVisionModel'] })).toBe('expert');
    expect(modelKind({ architectures: ['CLIPVisionModelWithProjection'], model_type: 'clip_vision_model' })).toBe('expert');
    expect(modelKind(undefined)).toBe('expert');
  });
});
