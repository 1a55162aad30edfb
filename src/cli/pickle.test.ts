// The CLI on PyTorch pickles: inspect a pickled module tree file, forward a folder holding one
// (within 1e-4 of the golden), and merge pickled inputs into a safetensors folder.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckpointPath } from '../engine/io/folder.node';
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
