/**
 * Coefficients as data: random exports read back unchanged (property, seeded), the published
 * task-wise list, and one typed error per kind of misfit naming it; tensor groups of the ViT-B/32
 * tensor list (HF layout, with the projection) cover every column once, in order.
 */
import { describe, expect, it } from 'vitest';
import { VIT_B_32 } from '../model/clip-vit/config';
import { canonicalParams } from '../model/clip-vit/names';
import { createRng } from '../random';
import { type CoefficientsJson, parseCoefficients, parseCoefficientsText, tensorGroups } from './coefficients-json';

const TENSORS = canonicalParams(VIT_B_32).map((p) => p.name);
const TASKS = ['SUN397', 'Cars', 'RESISC45', 'EuroSAT', 'SVHN', 'GTSRB', 'MNIST', 'DTD'];

describe('coefficients JSON', () => {
  it('reads random exports back unchanged, from the object and from its text', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 20; trial++) {
      const T = 1 + Math.floor(rng.next() * TASKS.length);
      const tasks = TASKS.slice(0, T);
      const layer = rng.next() < 0.5;
      const width = layer ? TENSORS.length : 1;
      const c: CoefficientsJson = {
        format: 'mergelab-coefficients', version: 1, granularity: layer ? 'layer' : 'task', plus: rng.next() < 0.5, tasks,
        ...(layer ? { tensors: TENSORS } : {}),
        lambda: tasks.map(() => Array.from({ length: width }, () => 2 * rng.next() - 0.5)),
      };
      expect(parseCoefficients(c, tasks, TENSORS)).toEqual(c);
      expect(parseCoefficientsText(JSON.stringify(c), tasks, TENSORS)).toEqual(c);
      const bare = parseCoefficients({ lambda: c.lambda }, tasks, TENSORS); // rows alone: granularity from the width
      expect(bare).toMatchObject({ granularity: c.granularity, plus: false, lambda: c.lambda });
    }
  });

  it('reads the published task-wise ViT-B/32 list (METHODS.md §6)', () => {
    const published = [0.2202, 0.1413, 0.2826, 0.3284, 0.2841, 0.4003, 0.1978, 0.1692];
    const c = parseCoefficientsText(JSON.stringify(published), TASKS, TENSORS);
    expect(c).toMatchObject({ granularity: 'task', plus: false, tasks: TASKS });
    expect(c.lambda).toEqual(published.map((v) => [v]));
    expect(c.tensors).toBeUndefined();
  });

  it('names what does not fit, with code "coefficients"', () => {
    const three = TASKS.slice(0, 3);
    const ok = parseCoefficients([[0.1], [0.2], [0.3]], three, TENSORS);
    const cases: [string | unknown, RegExp][] = [
      ['[0.1, 0.2,', /not valid JSON/],
      [{ nope: 1 }, /no "lambda" array/],
      [[0.1, 0.2], /2 rows for 3 tasks/],
      [[[0.1], [0.2, 0.3], [0.4]], /row 2 \(Cars\) is not 1 finite number \(it has 2 entries\)/],
      [[[0.1, 0.2], [0.2, 0.3], [0.4, 0.5]], /row 1 \(SUN397\) is not 200 finite numbers \(it has 2 entries\)/],
      [[0.1, null, 0.3], /row 2 \(Cars\) is not 1 finite number\.$/],
      [{ ...ok, tasks: ['a', 'b', 'c'] }, /for tasks a, b, c, this suite has SUN397, Cars, RESISC45/],
      [{ ...ok, granularity: 'layer' }, /says layer-wise but the rows hold 1 value/],
      [{ ...ok, format: 'other' }, /"format" is "other"/],
      [{ lambda: three.map(() => TENSORS.map(() => 0.3)), tensors: TENSORS.slice(1) }, /tensor list \(199 tensors\) differs from this checkpoint's 200/],
    ];
    for (const [input, re] of cases) {
      let error: { code?: string; message?: string; hint?: string } = {};
      try {
        if (typeof input === 'string') parseCoefficientsText(input, three, TENSORS);
        else parseCoefficients(input, three, TENSORS);
      } catch (e) { error = e as typeof error; }
      expect(error.code, JSON.stringify(input).slice(0, 60)).toBe('coefficients');
      expect(error.message).toMatch(re);
      expect(error.hint).toBeTruthy();
    }
  });

  it('groups the tensors as embeddings, each block and the final layers, covering every column once', () => {
    const g = tensorGroups(TENSORS);
    expect(g.map((x) => x.label)).toEqual(['embeddings', ...Array.from({ length: 12 }, (_, i) => `block ${i + 1}`), 'final']);
    expect(g[0]).toEqual({ label: 'embeddings', start: 0, end: 5 });
    expect(g.at(-1)).toEqual({ label: 'final', start: 197, end: 200 });
    g.forEach((x, i) => {
      expect(x.start).toBe(i === 0 ? 0 : g[i - 1].end);
      if (x.label.startsWith('block')) expect(x.end - x.start).toBe(16);
    });
    expect(g.at(-1)!.end).toBe(TENSORS.length);
  });
});
