import { describe, expect, it } from 'vitest';
import { evalPlan } from './eval-plan';
import { publishedView } from './published';

describe('evalPlan', () => {
  const tasks = [{ name: 'mnist', images: 10_000 }, { name: 'dtd', images: 1_880 }, { name: 'broken', images: null }, { name: 'tiny', images: 40 }];

  it('counts the images each task scores and the ETA from the measured pace', () => {
    const p = evalPlan(tasks, 100, { images: 600, seconds: 12 }); // 50 images/s
    expect(p.rows).toEqual([{ task: 'mnist', scored: 100, total: 10_000 }, { task: 'dtd', scored: 100, total: 1_880 }, { task: 'tiny', scored: 40, total: 40 }]);
    expect(p.images).toBe(240);
    expect(p.sampled).toBe(true);
    expect(p.rate).toBe(50);
    expect(p.etaSeconds).toBeCloseTo(4.8, 10);
  });

  it('has no ETA before a pace was measured, and nothing sampled on the full splits', () => {
    const p = evalPlan(tasks, null, null);
    expect(p.images).toBe(11_920);
    expect(p.sampled).toBe(false);
    expect(p.etaSeconds).toBeNull();
    expect(evalPlan(tasks, null, { images: 0, seconds: 3 }).rate).toBeNull();
  });
});

describe('publishedView', () => {
  const eight = ['sun397', 'stanford_cars', 'resisc45', 'eurosat', 'svhn', 'gtsrb', 'mnist', 'dtd'];

  it('puts the published 8-task averages on the average row of a table of exactly the 8 tasks, with their source', () => {
    const v = publishedView(eight.map((t) => `clip-vit-base-patch32_${t}`));
    expect(v.isTask8).toBe(true);
    expect(v.known).toBe(8);
    const ta = v.columns.find((c) => c.method === 'Task Arithmetic')!;
    expect(ta.average).toBe(68.0);
    expect(ta.source).toMatch(/^FusionBench docs .*CLIP-ViT-B\/32 table; arXiv:2406\.03280$/);
    // FusionBench's CLIP-ViT-B/32 table: each method's printed average over the 8 tasks.
    expect(v.columns.filter((c) => c.source === ta.source).map((c) => [c.method, c.average])).toEqual([
      ['pretrained', 48.2], ['individual', 90.3], ['Weight averaging', 66.5], ['Fisher merging', 70.6], ['RegMean', 80.5], ['Task Arithmetic', 68.0],
      ['TIES-Merging', 72.2], ['Task-wise AdaMerging', 68.7], ['Layer-wise AdaMerging', 82.6], ['Weight-Ensembling MoE', 89.2],
    ]);
    // Other sources give per-task figures only here (no average row).
    const surgery = v.columns.find((c) => c.method === 'Task Arithmetic + Surgery')!;
    expect([surgery.average, surgery.tasks['clip-vit-base-patch32_mnist']]).toEqual([null, 98.6]);
  });

  it('shows no average for other task sets (the published ones are over the 8 tasks)', () => {
    const v = publishedView(['mnist', 'eurosat', 'waves']);
    expect(v.isTask8).toBe(false);
    expect(v.known).toBe(2);
    expect(v.columns.every((c) => c.average === null)).toBe(true);
  });
});
