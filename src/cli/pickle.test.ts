// The CLI on PyTorch pickles: inspect a pickled module tree file, forward a folder holding one
// (within 1e-4 of the golden), merge pickled inputs into a safetensors folder, and a suite with a
// pytorch_model.bin pretrained model and a folder of task_vectors head_<task>.pt heads.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSuiteDir } from '../engine/data/suite-dir.node';
import { type TinyTask, randomHead, randomImages, writeTinySuite } from '../engine/data/tiny-suite.node';
import { tensorZip } from '../engine/testing/pickle-craft';
import { run as evalCli } from './eval';
import { openCheckpointPath } from '../engine/model/clip-vit/open-checkpoint-path.node';
import { nodeFileSource } from '../engine/io/node-source.node.js';
import { openSafetensors, readAll } from '../engine/io/safetensors';
import { readWeights } from '../engine/merge/test-pool.node';
import { fixturePath, loadFixtureTensors } from '../engine/testing/fixtures.node';
import { run as forward } from './forward';
import { run as inspect } from './inspect';
import { run as merge } from './merge';

const dir = mkdtempSync(join(tmpdir(), 'mergelab-cli-pickle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const quiet = { write: () => {} };

describe('mergelab on PyTorch pickles', () => {
  it('inspect reads a pickled ImageEncoder file and says how', async () => {
    let out = '';
    const code = await inspect([fixturePath('pickle', 'tiny-a-tree', 'finetuned.pt')], { write: (s: string) => (out += s) }, quiet);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json).toMatchObject({ ok: true, format: 'open_clip', paramCount: 115_712 });
    expect(json.config).toMatchObject({ numHeads: 4, hiddenAct: 'quick_gelu' });
    expect(json.notes[0]).toMatch(/^PyTorch pickle, read without executing code \(zip format, pickled src\.modeling\.ImageEncoder module tree\)/);
  });

  it('forward on the pickled module tree folder reproduces the golden', async () => {
    const out = join(dir, 'tree.safetensors');
    const code = await forward([fixturePath('pickle', 'tiny-a-tree'), fixturePath('pickle', 'tiny-a-tree', 'inputs.safetensors'), out], quiet);
    expect(code).toBe(0);
    const got = await readAll(await openSafetensors(await nodeFileSource(out)));
    const golden = await loadFixtureTensors('pickle', 'tiny-a-tree', 'golden.safetensors');
    for (const [key, g] of golden) {
      const t = got.get(key)!;
      let worst = 0;
      for (let i = 0; i < g.values.length; i++) worst = Math.max(worst, Math.abs(t.values[i] - g.values[i]));
      expect(worst, key).toBeLessThan(1e-4);
    }
  });

  it('merge of pickled inputs writes safetensors: average of tiny-a (as .bin and as .pt) and task-0', async () => {
    const out = join(dir, 'avg');
    const code = await merge(['--method', 'average', '--pretrained', fixturePath('pickle', 'tiny-a-bin'),
      '--experts', fixturePath('pickle', 'tiny-a-tree', 'finetuned.pt'), fixturePath('pickle', 'tiny-a-views'), fixturePath('merge', 'task-0'), '--out', out], quiet, quiet);
    expect(code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['config.json', 'model.safetensors']);
    const merged = await readWeights(await openCheckpointPath(out));
    const a = await loadFixtureTensors('tiny-a', 'model.safetensors');
    const t0 = await loadFixtureTensors('merge', 'task-0', 'model.safetensors');
    let worst = 0;
    for (const [name, m] of merged) {
      const x = a.get(name)!.values;
      const y = t0.get(name)!.values;
      for (let i = 0; i < m.length; i++) worst = Math.max(worst, Math.abs(m[i] - (2 * x[i] + y[i]) / 3));
    }
    expect(merged.size).toBe(a.size);
    expect(worst).toBeLessThan(1e-6);
  });
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };

describe('a suite with a folder of head_<task>.pt files and a pytorch_model.bin pretrained model', () => {
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
    // The pretrained model as a pytorch_model.bin instead of model.safetensors.
    await rm(join(dir, 'models', 'pretrained', 'model.safetensors'));
    await writeFile(join(dir, 'models', 'pretrained', 'pytorch_model.bin'), await readFile(fixturePath('pickle', 'tiny-a-bin', 'pytorch_model.bin')));
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...m, heads: 'heads/', logit_scale: 100 }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the heads, normalises them and takes the scale from them, with a note', async () => {
    const s = await openSuiteDir(dir);
    for (const t of tasks) expect(maxDiff(s.heads.get(t.name)!.weight, heads[t.name])).toBeLessThan(1e-6);
    expect(Math.abs(s.manifest.logitScale - 42.5)).toBeLessThan(1e-4);
    expect(s.notes.join('\n')).toMatch(/Heads read from 2 task_vectors head_<task>\.pt files .* logit scale 42\.5000/);
    expect(s.pretrained.notes[0]).toMatch(/^PyTorch pickle, read without executing code \(zip format, state dict\)/);
    const a = await loadFixtureTensors('tiny-a', 'model.safetensors');
    expect(maxDiff(await s.pretrained.readParam('visual_projection.weight'), a.get('visual_projection.weight')!.values)).toBe(0);
  });

  it('mergelab eval scores it', async () => {
    let out = '';
    const code = await evalCli([dir, '--method', 'average'], { write: (x: string) => (out += x) }, { write: () => {} });
    expect(code).toBe(0);
    expect(out).toMatch(/t0[\s\S]*t1[\s\S]*average/);
  });
});
