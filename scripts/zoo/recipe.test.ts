// Recipe selection (`--recipe`), the trial overrides, the task-domain pretraining labels, the
// attention-only fine-tuning filter and the hand-written tail of docs/zoo.md that regeneration keeps.
import { describe, expect, it } from 'vitest';
import { canonicalParams } from '../../src/engine/model/clip-vit/names';
import { domainLabel, pretrainClasses } from './domains';
import { isAttention } from './finetune';
import { defaultDoc, parseZooArgs, withOverrides } from './main';
import { DEFAULT_RECIPE, RECIPES, selectRecipe } from './recipe';
import { HAND_WRITTEN, keepHandWritten } from './report';
import { MINI_CONFIG } from './tower';
import { zooTasks } from './tasks/index';

describe('recipes', () => {
  it('v2 is the default (the shipped zoo); v1 stays reachable and keeps the first zoo\'s numbers', () => {
    expect(DEFAULT_RECIPE).toBe('v2');
    expect(parseZooArgs([]).recipe).toBe('v2');
    expect(parseZooArgs(['--recipe', 'v1']).recipe).toBe('v1');
    const v2 = selectRecipe('v2', false);
    expect(v2).toMatchObject({ seed: 2026, worldImages: 16_000, domainImages: 1000, domainLabels: 'captions', captionRate: 0.25, heads: 'descriptions', logitScale: 16 });
    expect(v2.pretrain).toEqual({ steps: 1000, batch: 32, lr: 3e-3, weightDecay: 0.05 });
    expect(v2.finetune).toMatchObject({ steps: 150, lr: 1e-3, weightDecay: 0.1 });
    const v1 = selectRecipe('v1', false);
    expect(v1).toMatchObject({ seed: 2026, worldImages: 16_000, domainImages: 0, logitScale: 100 });
    expect(v1.pretrain).toEqual({ steps: 4000, batch: 32, lr: 3e-3, weightDecay: 0.05 });
    expect(v1.finetune).toMatchObject({ steps: 400, lr: 1e-3, weightDecay: 0.1 });
    expect(selectRecipe('v1', true).pretrain.steps).toBe(3);
  });

  it('only a run into the shipped zoo rewrites docs/zoo.md by default; a trial folder or a smoke run leaves it alone', () => {
    const args = (a: string[]) => parseZooArgs(a);
    expect(defaultDoc(args([]), 'public/zoo/mini8')).toBe('docs/zoo.md');
    expect(defaultDoc(args(['--out', './public/zoo/mini8/']), './public/zoo/mini8/')).toBe('docs/zoo.md');
    expect(defaultDoc(args(['--out', '/tmp/trial-I', '--logit-scale', '30']), '/tmp/trial-I')).toBeNull();
    expect(defaultDoc(args(['--smoke']), 'public/zoo/mini8')).toBeNull();
    expect(defaultDoc(args(['--out', '/tmp/trial-I', '--doc', '/tmp/trial-I.md']), '/tmp/trial-I')).toBe('/tmp/trial-I.md');
  });

  it('every recipe has a smoke variant that is small', () => {
    for (const { smoke } of Object.values(RECIPES)) expect(smoke.pretrain.steps * smoke.pretrain.batch).toBeLessThan(100);
  });

  it('an unknown recipe names the known ones', () => {
    expect(() => selectRecipe('v9', false)).toThrow(/unknown recipe v9/);
    try { selectRecipe('v9', false); } catch (e) { expect((e as { hint: string }).hint).toMatch(/v1 \(/); }
  });

  it('trial overrides replace only what they name', () => {
    const a = parseZooArgs(['--recipe', 'v1', '--pretrain-steps', '1000', '--finetune-steps', '150', '--finetune-scope', 'attention', '--domain-images', '500', '--domain-labels', 'coarse']);
    const r = withOverrides(selectRecipe(a.recipe, false), a);
    expect(r.pretrain).toEqual({ steps: 1000, batch: 32, lr: 3e-3, weightDecay: 0.05 });
    expect(r.finetune).toEqual({ steps: 150, batch: 32, lr: 1e-3, weightDecay: 0.1, scope: 'attention' });
    expect([r.domainImages, r.domainLabels]).toEqual([500, 'coarse']);
    expect(() => parseZooArgs(['--domain-labels', 'fine'])).toThrow(/--domain-labels must be one of task, coarse, captions, got fine/);
    expect(() => parseZooArgs(['--domain-images', '1.5'])).toThrow(/whole number/);
  });
});

describe('task-domain pretraining labels', () => {
  // 44 world classes; the tasks have 10, 10, 10, 10, 10, 12, 10, 10 classes.
  const sizes = zooTasks('/nonexistent').map((t) => t.classes.length);
  it('task labels: one class per task after the world classes', () => {
    expect(domainLabel('task', 0, 7, sizes)).toBe(44);
    expect(domainLabel('task', 7, 3, sizes)).toBe(51);
    expect(pretrainClasses({ domainImages: 10, domainLabels: 'task' }, zooTasks('/nonexistent'))).toBe(52);
  });
  it('coarse labels: pairs of classes merged, blocks of 5 (signs: 6)', () => {
    expect(domainLabel('coarse', 0, 0, sizes)).toBe(44);
    expect(domainLabel('coarse', 0, 1, sizes)).toBe(44);
    expect(domainLabel('coarse', 0, 9, sizes)).toBe(48);
    expect(domainLabel('coarse', 1, 0, sizes)).toBe(49);
    expect(domainLabel('coarse', 5, 11, sizes)).toBe(44 + 25 + 5);
    expect(domainLabel('coarse', 6, 0, sizes)).toBe(44 + 31);
    expect(pretrainClasses({ domainImages: 10, domainLabels: 'coarse' }, zooTasks('/nonexistent'))).toBe(44 + 41);
    expect(pretrainClasses({ domainImages: 0, domainLabels: 'coarse' }, zooTasks('/nonexistent'))).toBe(44);
  });
});

it('attention-only fine-tuning trains the q, k, v and out projections of every layer (4 × 8 tensors)', () => {
  const names = canonicalParams(MINI_CONFIG).map((p) => p.name).filter(isAttention);
  expect(names).toHaveLength(32);
  expect(names).toContain('vision_model.encoder.layers.3.self_attn.out_proj.bias');
  expect(names.some((n) => n.includes('mlp') || n.includes('layer_norm'))).toBe(false);
});

it('regenerating docs/zoo.md keeps its hand-written tail', () => {
  expect(keepHandWritten('# new\n', null)).toBe('# new\n');
  expect(keepHandWritten('# new\n', '# old\n')).toBe('# new\n');
  expect(keepHandWritten('# new\n', `# old\n${HAND_WRITTEN}\n## Levers\nx\n`)).toBe(`# new\n\n${HAND_WRITTEN}\n## Levers\nx\n`);
});

it('caption labels: the task\'s description, or (when named) its class\'s description after all task descriptions', () => {
  const sizes = zooTasks('/nonexistent').map((t) => t.classes.length);
  expect(domainLabel('captions', 2, 4, sizes, false)).toBe(46);
  // 44 world + 8 task descriptions, then scenes 0–9, fashion 10–19, aerial 20–29.
  expect(domainLabel('captions', 2, 4, sizes, true)).toBe(44 + 8 + 24);
  expect(domainLabel('captions', 7, 9, sizes, true)).toBe(44 + 8 + 81);
  expect(pretrainClasses({ domainImages: 10, domainLabels: 'captions' }, zooTasks('/nonexistent'))).toBe(44 + 8 + 82);
  expect(() => withOverrides(selectRecipe('v1', false), parseZooArgs(['--heads', 'descriptions']))).toThrow(/description heads need pretraining captions/);
  expect(parseZooArgs(['--caption-rate', '0.25']).domain.captionRate).toBe(0.25);
  expect(() => parseZooArgs(['--caption-rate', '2'])).toThrow(/probability/);
});
