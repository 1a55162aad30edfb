import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memorySource } from '../io/byte-source';
import { DataError, SuiteError } from './errors';
import { suiteFiles } from './suite';
import { openSuiteDir } from './suite-dir.node';
import { type TinyTask, randomHead, randomImages, writeTensors, writeTinySuite } from './tiny-suite.node';

const task = (i: number, form: TinyTask['form'], C = 3, N = 4): TinyTask => ({
  name: `t${i}`, classes: Array.from({ length: C }, (_, c) => `c${c}`), expert: `merge/task-${i}`,
  images: randomImages(N, 32, 32, 3, i), shape: [N, 32, 32, 3], labels: Int32Array.from({ length: N }, (_, k) => k % C), form,
});

describe('suite folders', () => {
  let base: string;
  let good: string;
  let n = 0;
  const tasks = [task(0, 'safetensors'), task(1, 'imagefolder'), task(2, 'safetensors', 2)];
  const heads = Object.fromEntries(tasks.map((t, i) => [t.name, randomHead(t.classes.length, 32, i)]));

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mergelab-suite-'));
    good = join(base, 'good');
    await writeTinySuite(good, tasks, { heads });
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  /** A copy of the good suite, changed by `edit`. */
  async function variant(edit: (dir: string) => Promise<void>): Promise<string> {
    const dir = join(base, `v${n++}`);
    await cp(good, dir, { recursive: true });
    await edit(dir);
    return dir;
  }
  const manifestEdit = (dir: string, f: (m: Record<string, unknown>) => void) => readFile(join(dir, 'manifest.json'), 'utf8')
    .then((s) => { const m = JSON.parse(s); f(m); return writeFile(join(dir, 'manifest.json'), JSON.stringify(m)); });

  it('opens a valid suite: models, heads and data in every form', async () => {
    const s = await openSuiteDir(good);
    expect(s.manifest.name).toBe('tiny');
    expect([...s.experts.keys()]).toEqual(['t0', 't1', 't2']);
    expect(s.pretrained.config.projectionDim).toBe(32);
    expect(s.heads.get('t2')!.numClasses).toBe(2);
    expect(s.hasSplit('t0', 'test')).toBe(true);
    expect(s.hasSplit('t0', 'train')).toBe(false);
    const imgs = await s.images('t1');
    expect(imgs.count).toBe(4);
    expect(imgs.source).toBe('data/t1/test');
    expect(await s.images('t1')).toBe(imgs); // opened once
  });

  it('lists every missing file named by the manifest at once', async () => {
    const dir = await variant(async (d) => {
      await rm(join(d, 'models', 't1'), { recursive: true });
      await rm(join(d, 'heads.safetensors'));
      await rm(join(d, 'data', 't2'), { recursive: true });
    });
    const err = await openSuiteDir(dir).catch((e) => e);
    expect(err).toBeInstanceOf(SuiteError);
    expect(err.message).toMatch(/manifest\.json: names 3 missing files or folders/);
    expect(err.message).toMatch(/models\/t1\/ \(the experts\."t1" model/);
    expect(err.message).toMatch(/heads\.safetensors \(the classification heads\)/);
    expect(err.message).toMatch(/data\/t2\/test\.safetensors \(or an ImageFolder/);
    await expect(openSuiteDir(join(base, 'nowhere'))).rejects.toThrow(/nowhere: cannot be read/);
    const noManifest = await variant((d) => rm(join(d, 'manifest.json')));
    await expect(openSuiteDir(noManifest)).rejects.toThrow(/has no manifest\.json/);
  });

  it('rejects heads whose class count differs from the manifest, or whose size differs from the features', async () => {
    const wrongC = await variant((d) => manifestEdit(d, (m) => { (m.tasks as { classes: string[] }[])[2].classes.push('extra'); }));
    const err = await openSuiteDir(wrongC).catch((e) => e);
    expect(err).toBeInstanceOf(SuiteError);
    expect(err.message).toMatch(/heads\.safetensors: 1 problem with the classification heads/);
    expect(err.message).toMatch(/"t2" has 2 rows but the manifest lists 3 classes/);
    const wrongP = await variant((d) => writeTensors(join(d, 'heads.safetensors'), Object.fromEntries(tasks.map((t, i) => [t.name, { dtype: 'F32', shape: [t.classes.length, 16], values: randomHead(t.classes.length, 16, i) }]))));
    await expect(openSuiteDir(wrongP)).rejects.toThrow(/head "t0" is \[3, 16\] but the models' image features have 32 dimensions/);
    const wrongSize = await variant((d) => manifestEdit(d, (m) => { m.image_size = 224; }));
    await expect(openSuiteDir(wrongSize)).rejects.toThrow(/"image_size" is 224 but the pretrained model takes 32×32 images/);
  });

  it('rejects labels beyond the head, non-integer labels and non-U8 images when the data is opened', async () => {
    const write = (d: string, images: object, labels: object) => writeTensors(join(d, 'data', 't2', 'test.safetensors'), { images, labels } as never);
    const img = { dtype: 'U8', shape: [2, 32, 32, 3], values: new Uint8Array(6144) };
    const cases: [object, object, RegExp][] = [
      [img, { dtype: 'I32', shape: [2], values: Int32Array.of(0, 2) }, /label 2 at index 1 is outside the task's 2 classes/],
      [img, { dtype: 'F32', shape: [2], values: Float32Array.of(0, 1) }, /"labels" is F32; labels must be integers/],
      [{ ...img, dtype: 'F32', values: new Float32Array(6144) }, { dtype: 'I32', shape: [2], values: Int32Array.of(0, 1) }, /"images" is F32; images must be U8/],
    ];
    for (const [images, labels, re] of cases) {
      const s = await openSuiteDir(await variant((d) => write(d, images, labels)));
      const err = await s.images('t2').catch((e) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(err.message).toMatch(/data\/t2\/test\.safetensors: /);
      expect(err.message).toMatch(re);
    }
  });

  it('reports an ImageFolder without images and an undecodable image', async () => {
    const empty = await variant(async (d) => {
      await rm(join(d, 'data', 't1', 'test'), { recursive: true });
      await mkdir(join(d, 'data', 't1', 'test', 'c0'), { recursive: true });
      await writeFile(join(d, 'data', 't1', 'test', 'c0', 'notes.txt'), 'no images here');
    });
    await expect((await openSuiteDir(empty)).images('t1')).rejects.toThrow(/data\/t1\/test: contains no images in class folders/);
    const broken = await variant((d) => writeFile(join(d, 'data', 't1', 'test', 'c1', 'img001.png'), 'not a png'));
    const imgs = await (await openSuiteDir(broken)).images('t1');
    await expect(imgs.pixels(0, imgs.count, 32)).rejects.toThrow(/data\/t1\/test\/c1\/img001\.png: cannot be decoded as an image/);
  });

  it('re-roots dropped folders at the shallowest manifest.json', () => {
    const src = memorySource(new Uint8Array(1));
    const files = suiteFiles([
      { path: 'drop/mini/manifest.json', source: src },
      { path: 'drop/mini/models/pretrained/config.json', source: src },
      { path: 'drop/mini/data/x/manifest.json', source: src },
      { path: 'drop/other.txt', source: src },
    ]);
    expect([...files.keys()]).toEqual(['manifest.json', 'models/pretrained/config.json', 'data/x/manifest.json']);
  });
});
