import { describe, expect, it } from 'vitest';
import type { BiasReport } from '../../worker/api';
import { heatmap, lineRows, seriesKeys } from './bias-data';
import { categoricalColor, CORRECT_COLOR, INCORRECT_COLOR, legendEntries, pointColor, sequentialColor } from './colors';
import { GridIndex } from './grid-index';
import { scatterData } from './scatter-data';
import { nearestInFeatureSpace } from './neighbours';
import { boundsOf, fitView, interpolate, pan, toData, toScreen, zoomAt } from './view';

describe('view transforms', () => {
  const b = boundsOf(Float32Array.of(-1, -2, 3, 2), Float32Array.of(1, 4));
  it('bounds cover every array; fitting centres them with the margin on the tight side', () => {
    expect(b).toEqual({ minX: -1, minY: -2, maxX: 3, maxY: 4 });
    const v = fitView(b, 200, 100, 10); // 4 × 6 data units: height limits, scale 80/6
    expect(v.scale).toBeCloseTo(80 / 6, 12);
    const [sx, sy] = toScreen(v, 1, 1); // the centre
    expect(sx).toBeCloseTo(100, 9);
    expect(sy).toBeCloseTo(50, 9);
    expect(toScreen(v, 1, 4)[1]).toBeCloseTo(10, 9); // top edge at the margin (y up in data, down on screen)
  });
  it('toData inverts toScreen; zoom keeps the point under the cursor; pan shifts', () => {
    const v = zoomAt(fitView(b, 300, 300), 40, 70, 2.5);
    const [x, y] = toData(v, 40, 70);
    const before = toData(fitView(b, 300, 300), 40, 70);
    expect(x).toBeCloseTo(before[0], 9);
    expect(y).toBeCloseTo(before[1], 9);
    const p = pan(v, 5, -3);
    const [sx, sy] = toScreen(p, x, y);
    expect(sx).toBeCloseTo(45, 9);
    expect(sy).toBeCloseTo(67, 9);
    expect(boundsOf()).toEqual({ minX: 0, minY: 0, maxX: 1, maxY: 1 });
  });
  it('interpolate: ends exact, eased midpoint', () => {
    const a = Float32Array.of(0, 0, 10, 10), c = Float32Array.of(10, -10, 0, 10);
    expect(interpolate(a, c, 0)).toEqual(a);
    expect(interpolate(a, c, 1)).toEqual(c);
    expect([...interpolate(a, c, 0.5)]).toEqual([5, -5, 5, 10]);
    expect(interpolate(a, c, 0.25)[0]).toBeCloseTo(10 * 0.15625, 6); // smoothstep(¼) = 5/32
  });
});

describe('grid index', () => {
  it('finds the same nearest point as a linear scan, within the radius only, honouring skip', () => {
    let s = 7;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const pts = Float32Array.from({ length: 2000 * 2 }, () => rnd() * 100);
    const grid = new GridIndex(pts);
    for (let q = 0; q < 200; q++) {
      const x = rnd() * 110 - 5, y = rnd() * 110 - 5, r = rnd() * 6;
      let best = -1, bestD = r * r;
      for (let i = 0; i < 2000; i++) { const d = (pts[2 * i] - x) ** 2 + (pts[2 * i + 1] - y) ** 2; if (d <= bestD) { bestD = d; best = i; } }
      const got = grid.nearest(x, y, r);
      if (best === -1) expect(got).toBe(-1);
      else expect((pts[2 * got] - x) ** 2 + (pts[2 * got + 1] - y) ** 2).toBe(bestD);
    }
    const one = new GridIndex(Float32Array.of(1, 1, 1.5, 1));
    expect(one.nearest(1.1, 1, 1)).toBe(0);
    expect(one.nearest(1.1, 1, 1, (i) => i === 0)).toBe(1);
    expect(new GridIndex(new Float32Array(0)).nearest(0, 0, 5)).toBe(-1);
  });
});

describe('nearest neighbours in feature space', () => {
  it('ranks by cosine similarity, excludes the query, restricts to given rows', () => {
    const z = Float32Array.of(1, 0, 0.9, 0.1, 0, 1, -1, 0, 2, 0.1); // 5 rows × 2
    const nn = nearestInFeatureSpace(z, 2, 0, 3);
    expect(nn.map((n) => n.index)).toEqual([4, 1, 2]); // (2, .1) ≈ 0.9988 > (0.9, .1) ≈ 0.9939 > (0, 1) = 0
    expect(nn[0].similarity).toBeCloseTo(2 / Math.hypot(2, 0.1), 6);
    expect(nearestInFeatureSpace(z, 2, 0, 2, [0, 2, 3]).map((n) => n.index)).toEqual([2, 3]);
    expect(() => nearestInFeatureSpace(z, 2, 5, 1)).toThrow(RangeError);
  });
});

describe('colours and legend', () => {
  it('categorical cycles; viridis ends; correct/incorrect by the layer\'s predictions', () => {
    expect(categoricalColor(0)).toBe(categoricalColor(20));
    expect(categoricalColor(1)).not.toBe(categoricalColor(0));
    expect(sequentialColor(0)).toBe('#440154');
    expect(sequentialColor(1)).toBe('#fde725');
    expect(sequentialColor(2)).toBe('#fde725');
    const info = { tasks: Int32Array.of(0, 1), labels: Int32Array.of(3, 4), predictions: { merged: Int32Array.of(3, 0) } };
    expect(pointColor(info, 'correct', 'merged', 0)).toBe(CORRECT_COLOR);
    expect(pointColor(info, 'correct', 'merged', 1)).toBe(INCORRECT_COLOR);
    expect(pointColor(info, 'correct', 'expert', 1)).toBe('#999999');
    expect(pointColor(info, 'task', 'merged', 1)).toBe(categoricalColor(1));
    expect(legendEntries('task', ['a', 'b'], [])).toEqual([{ label: 'a', color: categoricalColor(0) }, { label: 'b', color: categoricalColor(1) }]);
    expect(legendEntries('class', ['a', 'b'], [['x'], ['y', 'z']], 1).map((e) => e.label)).toEqual(['y', 'z']);
    expect(legendEntries('class', ['a', 'b'], [['x'], ['y', 'z']]).map((e) => e.label)).toEqual(['class 0', 'class 1']);
  });
});

describe('bias chart data', () => {
  const report: BiasReport = {
    tasks: ['t0', 't1'], layers: ['embeddings', 'block 1', 'z'],
    models: [{ key: 'a', label: 'TA' }, { key: 'b', label: 'TA' }],
    l1: [[[1, 2, 3], [3, 4, 5]], [[0, 1, 1], [0, 1, 3]]],
    cosine: [[[0.1, 0.2, 0.3], [0.3, 0.4, 0.5]], [[0, 0.1, 0.1], [0, 0.1, 0.3]]],
    meanL1: [[2, 3, 4], [0, 1, 2]], meanCosine: [[0.2, 0.3, 0.4], [0, 0.1, 0.2]],
  };
  it('line rows per layer with unique series keys, for a task or the mean', () => {
    expect(seriesKeys(report)).toEqual(['TA', 'TA (2)']);
    expect(lineRows(report, 'l1', 1)).toEqual([{ layer: 'embeddings', TA: 3, 'TA (2)': 0 }, { layer: 'block 1', TA: 4, 'TA (2)': 1 }, { layer: 'z', TA: 5, 'TA (2)': 3 }]);
    expect(lineRows(report, 'cosine', 'all')[2]).toEqual({ layer: 'z', TA: 0.4, 'TA (2)': 0.2 });
  });
  it('heatmap: tasks then the mean, with the range', () => {
    const h = heatmap(report, 'l1', 0);
    expect(h.rows).toEqual(['t0', 't1', 'all tasks']);
    expect(h.values).toEqual([[1, 2, 3], [3, 4, 5], [2, 3, 4]]);
    expect([h.min, h.max]).toEqual([1, 5]);
  });
});

describe('scatter data from a layout', () => {
  it('splits the stacked positions per set and restricts every per-row array to the kept images', () => {
    const e = {
      sets: [{ key: 'x', label: 'Experts', n: 3, dim: 2, z: Float32Array.of(1, 0, 0, 1, 1, 1) }, { key: 'y', label: 'TA', n: 3, dim: 2, z: Float32Array.of(2, 0, 0, 2, 2, 2) }],
      tasks: Int32Array.of(0, 0, 1), indices: Int32Array.of(0, 1, 0), labels: Int32Array.of(4, 5, 6),
      predictions: { x: Int32Array.of(4, 5, 6), y: Int32Array.of(4, 0, 0) },
      taskNames: ['a', 'b'], classNames: [['c0'], ['d0']],
    };
    const layout = { sets: ['x', 'y'], images: Int32Array.of(0, 2), positions: Float32Array.of(0, 0, 1, 1, 5, 5, 6, 6), pca: { dims: 2, explained: 1 }, seconds: { pca: 0, knn: 0, graph: 0, layout: 0, total: 0 } };
    const d = scatterData(e, layout);
    expect(d.layouts.map((l) => [l.id, l.label, [...l.positions]])).toEqual([['x', 'Experts', [0, 0, 1, 1]], ['y', 'TA', [5, 5, 6, 6]]]);
    expect([...d.info.tasks]).toEqual([0, 1]);
    expect([...d.info.labels]).toEqual([4, 6]);
    expect([...d.info.predictions.y]).toEqual([4, 0]);
    expect([...d.features!.y.z]).toEqual([2, 0, 2, 2]);
    expect(() => scatterData(e, { ...layout, sets: ['x', 'q'] })).toThrow(/set q/);
  });
});
