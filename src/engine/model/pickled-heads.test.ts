// task_vectors heads: a head_<Dataset>.pt pickled by PyTorch (rows = unit embeddings × 100) comes
// back as the unit rows the Python script saved separately, with scale 100; a suite whose "heads"
// names a folder of head_<task>.pt files scores with those heads and that scale.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SuiteError } from '../data/errors';
import { openSuiteDir } from '../data/suite-dir.node';
import { type TinyTask, randomHead, randomImages, writeTinySuite } from '../data/tiny-suite.node';
import { memorySource } from '../io/byte-source';
import { nodeFileSource } from '../io/node-source.node';
import { fixturePath, loadFixtureTensors } from '../testing/fixtures.node';
import { tensorZip } from '../testing/pickle-craft';
import { readPickledHeads } from './pickled-heads';

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };

describe('task_vectors heads', () => {
  it('a pickled ClassificationHead gives unit rows and exp(logit_scale) = 100', async () => {
    const files = new Map([['head_Tiny.pt', await nodeFileSource(fixturePath('pickle', 'head_Tiny.pt'))]]);
    const { heads, logitScale, note } = await readPickledHeads('heads', files, [{ name: 'tiny', classes: ['a', 'b', 'c'] }]);
    const want = (await loadFixtureTensors('pickle', 'head_Tiny.expected.safetensors')).get('Tiny')!;
    const h = heads.get('tiny')!;
    expect([h.numClasses, h.dim]).toEqual(want.shape);
    expect(maxDiff(h.weight, want.values)).toBeLessThan(1e-6);
    expect(Math.abs(logitScale - 100)).toBeLessThan(1e-3);
    expect(note).toMatch(/rows normalised, logit scale 100\.0000 taken from their norm/);
  });

  it('refuses rows of different norms, class-count mismatches and missing files, all at once', async () => {
    const rows = new Float32Array([3, 4, 0, 0, 0, 1, 0, 0]); // norms 5 and 1
    const files = new Map([['head_A.pt', memorySource(tensorZip('weight', rows, [2, 4], [4, 1]), 'head_A.pt')], ['head_B.pt', memorySource(tensorZip('weight', rows, [2, 4], [4, 1]), 'head_B.pt')]]);
    const err = await readPickledHeads('heads', files, [{ name: 'a', classes: ['x', 'y'] }, { name: 'b', classes: ['x', 'y', 'z'] }, { name: 'c', classes: ['x'] }]).catch((e) => e);
    expect(err).toBeInstanceOf(SuiteError);
    expect(err.message).toMatch(/3 problems/);
    expect(err.message).toMatch(/head_A\.pt: row 0 has norm 5/);
    expect(err.message).toMatch(/head_B\.pt has 2 rows but the manifest lists 3 classes/);
    expect(err.message).toMatch(/no head_c\.pt/);
  });
});

describe('a suite with a folder of head_<task>.pt files', () => {
  let dir: string;
  const tasks: TinyTask[] = [0, 1].map((i) => ({
    name: `t${i}`, classes: ['c0', 'c1', 'c2'], expert: `merge/task-${i}`, images: randomImages(4, 32, 32, 3, i), shape: [4, 32, 32, 3],
    labels: Int32Array.from([0, 1, 2, 0]), form: 'safetensors',
  }));
  const heads = Object.fromEntries(tasks.map((t, i) => [t.name, randomHead(3, 32, i)]));
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mergelab-heads-'));
    await writeTinySuite(dir, tasks, { heads });
    await rm(join(dir, 'heads.safetensors'));
    await mkdir(join(dir, 'heads'));
    for (const t of tasks) await writeFile(join(dir, 'heads', `head_${t.name.toUpperCase()}.pt`), tensorZip('weight', heads[t.name].map((v) => v * 42.5), [3, 32], [32, 1]));
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...m, heads: 'heads/', logit_scale: 100 }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the heads, normalises them and takes the scale from them, with a note', async () => {
    const s = await openSuiteDir(dir);
    for (const t of tasks) expect(maxDiff(s.heads.get(t.name)!.weight, heads[t.name])).toBeLessThan(1e-6);
    expect(Math.abs(s.manifest.logitScale - 42.5)).toBeLessThan(1e-4);
    expect(s.notes.join('\n')).toMatch(/Heads read from 2 task_vectors head_<task>\.pt files .* logit scale 42\.5000/);
  });
});
