import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSuiteDir } from '../data/suite-dir.node';
import { top1Accuracy } from '../eval/accuracy';
import { collectBiasFeatures } from '../eval/bias';
import { SuiteEvaluator } from '../eval/evaluate';
import { mergeToParamMap } from '../merge/in-memory';
import { disposeParams } from '../params/param-map';
import { embedFeatures, type SharedLayout } from './embed';
import { type EmbeddingSets, embeddingSets } from './suite-sets';

describe('embedding the demo zoo: experts and Task Arithmetic in one layout', () => {
  const LIMIT = 12;
  let ev: SuiteEvaluator;
  let e: EmbeddingSets;
  let layout: SharedLayout;
  let individual: Record<string, number>;
  let leaked = 0;

  beforeAll(async () => {
    const suite = await openSuiteDir('public/zoo/mini8');
    ev = new SuiteEvaluator(suite);
    const before = tf.memory().numTensors;
    const ta = (await mergeToParamMap({ pretrained: suite.pretrained, experts: [...suite.experts.values()], method: 'task_arithmetic', params: { lambda: 0.3 } })).weights;
    try {
      const input = await collectBiasFeatures(ev, [{ key: 'ta', label: 'Task Arithmetic', params: ta }], { limit: LIMIT });
      e = embeddingSets(suite, input, `limit ${LIMIT}`);
      individual = Object.fromEntries(input.tasks.map((t) => [t, ev.accuracy(t, { ...input.experts[t], labels: input.labels[t] })]));
    } finally {
      disposeParams(ta);
    }
    // A copy of the experts' set as a control: identical features must land on the experts' points.
    layout = await embedFeatures([...e.sets, { ...e.sets[0], key: 'copy' }], { seed: 1, nEpochs: 200 });
    leaked = tf.memory().numTensors - before;
  }, 300_000);
  afterAll(() => ev.dispose());

  it('stacks every task\'s images in manifest order, the experts\' set first, keys tagged', () => {
    expect(leaked).toBe(0);
    expect(e.taskNames).toHaveLength(8);
    expect(e.sets.map((s) => s.key)).toEqual([`experts|limit ${LIMIT}`, `ta|limit ${LIMIT}`]);
    expect(e.sets.map((s) => [s.n, s.dim])).toEqual([[8 * LIMIT, 64], [8 * LIMIT, 64]]);
    expect([...e.tasks.subarray(0, LIMIT + 1)]).toEqual([...Array(LIMIT).fill(0), 1]);
    expect(e.classNames[0]).toContain('beach');
  });

  it('predictions with each task\'s head give the evaluator\'s individual accuracy for the experts\' set', () => {
    e.taskNames.forEach((t, i) => {
      const rows = [...e.tasks.keys()].filter((r) => e.tasks[r] === i);
      const pred = Int32Array.from(rows, (r) => e.predictions[e.sets[0].key][r]);
      expect(100 * top1Accuracy(pred, Int32Array.from(rows, (r) => e.labels[r])), t).toBeCloseTo(individual[t], 9);
    });
  });

  it('places the sets in one layout: an identical copy of the experts lands on them, the merge drifts further', () => {
    const m = 8 * LIMIT;
    expect(layout.positions.length).toBe(3 * m * 2);
    expect(layout.positions.every(Number.isFinite)).toBe(true);
    const p = layout.positions;
    const drift = (set: number) => {
      let d = 0;
      for (let r = 0; r < m; r++) d += Math.hypot(p[2 * (set * m + r)] - p[2 * r], p[2 * (set * m + r) + 1] - p[2 * r + 1]);
      return d / m;
    };
    expect(drift(1)).toBeGreaterThan(3 * drift(2));
  });
});
