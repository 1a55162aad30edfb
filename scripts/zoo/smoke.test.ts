// `npm run zoo -- --smoke` end to end (every stage, a few steps on a few images) into a temporary
// folder, with a synthetic Fashion-MNIST so CI needs no Debian package: the result is a suite the
// lab's reader opens, with results.json and a measured doc — and the same bytes on a second run.
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { openSuiteDir } from '../../src/engine/data/suite-dir.node.js';
import { fakeFashionDir } from './fake-fashion';
import { parseZooArgs, zooMain } from './main';

it('the smoke run writes a complete, openable suite with results and a doc', async () => {
  const fashion = await fakeFashionDir();
  const lines: string[] = [];
  const { out, results } = await zooMain(['--smoke', '--fashion-dir', fashion, '--doc', join(fashion, 'zoo.md')], (l) => lines.push(l));
  try {
    const suite = await openSuiteDir(out);
    expect(suite.manifest.tasks).toHaveLength(8);
    expect(suite.experts.size).toBe(8);
    const saved = JSON.parse(await readFile(join(out, 'results.json'), 'utf8'));
    expect(saved.full.rows.task_arithmetic.average).toBeCloseTo(results.full.rows.task_arithmetic.average, 6);
    expect(Object.keys(saved.full.rows)).toEqual(['pretrained', 'individual', 'average', 'task_arithmetic', 'ties']);
    const doc = await readFile(join(fashion, 'zoo.md'), 'utf8');
    expect(doc).toContain('## Measured accuracy');
    expect(lines.some((l) => l.startsWith('experts:'))).toBe(true);
    // Reproducible: a second run from the same seed writes the same weights and data.
    const again = await zooMain(['--smoke', '--fashion-dir', fashion], () => {});
    try {
      for (const f of ['models/pretrained/model.safetensors', 'models/digits/model.safetensors', 'heads.safetensors', 'data/signs/test.safetensors']) {
        expect(Buffer.compare(await readFile(join(out, f)), await readFile(join(again.out, f))), f).toBe(0);
      }
    } finally {
      await rm(again.out, { recursive: true });
    }
  } finally {
    await rm(out, { recursive: true });
    await rm(fashion, { recursive: true });
  }
}, 120_000);

it('trial overrides reach the written suite: tower width and patch, logit scale', async () => {
  const fashion = await fakeFashionDir();
  const { out } = await zooMain(['--smoke', '--fashion-dir', fashion, '--width', '32', '--patch', '16', '--logit-scale', '16'], () => {});
  try {
    const suite = await openSuiteDir(out);
    expect(suite.manifest.logitScale).toBe(16);
    expect(suite.pretrained.config).toMatchObject({ hiddenSize: 32, intermediateSize: 128, patchSize: 16 });
    expect(suite.experts.get('digits')!.config).toMatchObject({ hiddenSize: 32, patchSize: 16 });
    expect(JSON.parse(await readFile(join(out, 'results.json'), 'utf8')).recipe).toMatchObject({ logitScale: 16, tower: { hiddenSize: 32, patchSize: 16 } });
    await expect(zooMain(['--smoke', '--fashion-dir', fashion, '--pretrained-from', out, '--width', '32'], () => {})).rejects.toThrow(/cannot take --width or --patch/);
    // Reusing that pretrained model reuses its tower.
    const reused = await zooMain(['--smoke', '--fashion-dir', fashion, '--pretrained-from', out], () => {});
    try {
      expect((await openSuiteDir(reused.out)).experts.get('signs')!.config).toMatchObject({ hiddenSize: 32, patchSize: 16 });
      expect(reused.results.recipe.tower).toMatchObject({ hiddenSize: 32, patchSize: 16 });
    } finally {
      await rm(reused.out, { recursive: true });
    }
  } finally {
    await rm(out, { recursive: true });
    await rm(fashion, { recursive: true });
  }
}, 120_000);

it('rejects unknown arguments with the usage', () => {
  expect(() => parseZooArgs(['--fast'])).toThrow(/unknown argument --fast/);
  expect(() => parseZooArgs(['--out'])).toThrow(/--out needs a value/);
  expect(() => parseZooArgs(['--finetune-lr', '0'])).toThrow(/--finetune-lr needs a positive number, got 0/);
  expect(parseZooArgs(['--finetune-lr', '1e-4', '--finetune-steps', '300']).finetune).toEqual({ lr: 1e-4, steps: 300 });
  expect(parseZooArgs(['--logit-scale', '16', '--width', '96']).tower).toEqual({ width: 96 });
  expect(parseZooArgs(['--recipe', 'v2', '--resume'])).toMatchObject({ recipe: 'v2', resume: true });
  expect(() => parseZooArgs(['--logit-scale', '-1'])).toThrow(/--logit-scale needs a positive number/);
});

it('recipe v2 smoke: caption pretraining, description heads, logit scale 16; --resume keeps finished stages and redoes a missing expert identically', async () => {
  const fashion = await fakeFashionDir();
  const out = join(fashion, 'v2');
  try {
    const first = await zooMain(['--recipe', 'v2', '--smoke', '--fashion-dir', fashion, '--out', out], () => {});
    expect(first.results.recipe).toMatchObject({ domainLabels: 'captions', heads: 'descriptions', logitScale: 16 });
    const suite = await openSuiteDir(out);
    expect(suite.manifest.logitScale).toBe(16);
    const h = suite.heads.get('signs')!;
    expect(h.numClasses).toBe(12);
    for (let c = 0; c < h.numClasses; c++) {
      let n = 0;
      for (let k = 0; k < h.dim; k++) n += h.weight[c * h.dim + k] ** 2;
      expect(Math.sqrt(n)).toBeCloseTo(1, 5);
    }
    const expert = await readFile(join(out, 'models/digits/model.safetensors'));
    const pretrained = await readFile(join(out, 'models/pretrained/model.safetensors'));
    await rm(join(out, 'models/digits'), { recursive: true });
    const lines: string[] = [];
    await zooMain(['--recipe', 'v2', '--smoke', '--fashion-dir', fashion, '--out', out, '--resume'], (l) => lines.push(l));
    expect(lines.some((l) => l.startsWith('resumed: pretrained model and heads kept'))).toBe(true);
    expect(lines).toContain('  signs: kept (resumed)');
    expect(lines.some((l) => l.includes('digits: kept'))).toBe(false);
    expect(Buffer.compare(await readFile(join(out, 'models/digits/model.safetensors')), expert)).toBe(0);
    expect(Buffer.compare(await readFile(join(out, 'models/pretrained/model.safetensors')), pretrained)).toBe(0);
  } finally {
    await rm(fashion, { recursive: true });
  }
}, 180_000);
