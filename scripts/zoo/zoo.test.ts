// The shipped zoo (public/zoo/mini8): the suite opens through the lab's own reader (manifest,
// every checkpoint recognised, a valid pool, heads matching the classes), its files have the
// documented dtypes, shapes and ranges, it fits the size budget, and a quick evaluation of the
// first images of each task reproduces the capped numbers that `npm run zoo` recorded.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSuiteDir } from '../../src/engine/data/suite-dir.node.js';
import { nodeFileSource } from '../../src/engine/io/node-source.node.js';
import { openSafetensors, readAll } from '../../src/engine/io/safetensors';
import { toHfConfigJson } from '../../src/engine/model/clip-vit/config';
import { canonicalParams } from '../../src/engine/model/clip-vit/names';
import { measureSuite } from './measure';
import type { ZooResults } from './pipeline';
import { zooTasks } from './tasks/index';
import { MINI_CONFIG } from './tower';
import { patchWasmTransposedMatMul } from '../../src/engine/train/wasm-matmul';

const DIR = 'public/zoo/mini8';
const open = async (p: string) => openSafetensors(await nodeFileSource(join(DIR, p)));

let results: ZooResults;
beforeAll(async () => {
  results = JSON.parse(await readFile(join(DIR, 'results.json'), 'utf8'));
});

describe('the shipped zoo', () => {
  it('opens with the lab\'s suite reader: 8 tasks, every expert recognised, a valid pool', async () => {
    const suite = await openSuiteDir(DIR);
    expect(suite.manifest.tasks.map((t) => t.name)).toEqual(zooTasks().map((t) => t.name));
    expect(suite.manifest.tasks.map((t) => t.classes)).toEqual(zooTasks().map((t) => t.classes));
    // Recipe v2 (the default): description heads scored at the tower's pretraining scale, 16.
    expect(suite.manifest.logitScale).toBe(16);
    expect(results.recipe).toMatchObject({ heads: 'descriptions', domainLabels: 'captions', logitScale: 16 });
    expect(suite.experts.size).toBe(8);
    for (const ck of [suite.pretrained, ...suite.experts.values()]) {
      expect(ck.config).toEqual(MINI_CONFIG);
      expect(ck.params.map((p) => p.name)).toEqual(canonicalParams(MINI_CONFIG).map((p) => p.name));
    }
    expect(suite.notes).toEqual([]);
  });

  it('has HF config.json files and F32 weights named like ViT-B/32', async () => {
    for (const m of ['pretrained', ...zooTasks().map((t) => t.name)]) {
      expect(JSON.parse(await readFile(join(DIR, 'models', m, 'config.json'), 'utf8'))).toEqual(toHfConfigJson(MINI_CONFIG));
      const st = await open(`models/${m}/model.safetensors`);
      for (const p of canonicalParams(MINI_CONFIG)) {
        expect(st.tensors.get(p.name)?.shape, `${m}: ${p.name}`).toEqual(p.shape);
        expect(st.tensors.get(p.name)?.dtype).toBe('F32');
      }
    }
  });

  it('has one unit-norm [C, 64] head per task', async () => {
    const heads = await readAll(await open('heads.safetensors'));
    for (const t of zooTasks()) {
      const h = heads.get(t.name)!;
      expect(h.shape).toEqual([t.classes.length, 64]);
      for (let c = 0; c < t.classes.length; c++) {
        const row = h.values.subarray(c * 64, (c + 1) * 64) as Float32Array;
        expect(Math.hypot(...row)).toBeCloseTo(1, 5);
      }
    }
  });

  it('has class-balanced U8 [N, 32, 32, 3] images and I32 labels in range for both splits', async () => {
    for (const t of zooTasks()) {
      for (const split of ['train', 'test'] as const) {
        const d = await readAll(await open(`data/${t.name}/${split}.safetensors`));
        const n = split === 'train' ? results.recipe.trainPerTask : results.recipe.testPerTask;
        expect(d.get('images')!.dtype).toBe('U8');
        expect(d.get('images')!.shape).toEqual([n, 32, 32, 3]);
        expect(d.get('labels')!.dtype).toBe('I32');
        const counts = new Array(t.classes.length).fill(0);
        for (const l of d.get('labels')!.values) {
          expect(l >= 0 && l < t.classes.length, `${t.name}/${split} label ${l}`).toBe(true);
          counts[l]++;
        }
        expect(Math.max(...counts) - Math.min(...counts), `${t.name}/${split} balance`).toBeLessThanOrEqual(1);
      }
    }
  });

  it('fits in 30 MB', async () => {
    let bytes = 0;
    for (const e of await readdir(DIR, { withFileTypes: true, recursive: true })) if (e.isFile()) bytes += (await stat(join(e.parentPath, e.name))).size;
    expect(bytes).toBeLessThanOrEqual(30e6);
  });

  it('docs/zoo.md holds the measured averages of results.json', async () => {
    const doc = await readFile('docs/zoo.md', 'utf8');
    for (const row of Object.values(results.full.rows)) expect(doc).toContain(`| ${row.label} |`);
    for (const row of Object.values(results.full.rows)) expect(doc).toContain(`**${row.average.toFixed(1)}**`);
  });
});

describe('quick evaluation', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
    patchWasmTransposedMatMul();
  });
  afterAll(async () => { await tf.setBackend('cpu'); });

  it('reproduces the recorded capped pretrained, individual and merged averages within a point', async () => {
    const before = tf.memory().numTensors;
    const m = await measureSuite(DIR, results.capped.limit);
    expect(tf.memory().numTensors).toBe(before);
    for (const id of ['pretrained', 'individual', 'task_arithmetic', 'ties', 'average']) {
      expect(Math.abs(m.rows[id].average - results.capped.rows[id].average), id).toBeLessThanOrEqual(1);
    }
    expect(m.images).toEqual(results.capped.images);
  });
});
