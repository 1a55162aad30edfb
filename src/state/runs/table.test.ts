/** The runs table's sort and the comparison charts' data, on hand-written records. */
import { describe, expect, it } from 'vitest';
import { efficiencyPoints, extraParamsTick, taskBars } from './compare';
import { sampleRecord } from './sample.node';
import { RUN_COLUMNS, sortRuns } from './table';

const avg = (accuracy: number) => ({ accuracy, normalized: accuracy, individual: 90, pretrained: 30 });
const a = sampleRecord('a', '2026-12-01T09:00:00.000Z', { label: 'beta', average: avg(60), extraParams: 0, wallSeconds: 3 });
const b = sampleRecord('b', '2026-12-01T10:00:00.000Z', { label: 'alpha', average: avg(70), extraParams: 5000, wallSeconds: 1 });
const c = sampleRecord('c', '2026-12-01T11:00:00.000Z', { label: 'Gamma', average: null, tasks: [], extraParams: 200_000, wallSeconds: 2 });
const d = sampleRecord('d', '2026-12-01T12:00:00.000Z', { label: 'delta', average: avg(60), extraParams: 0, wallSeconds: 3 });

describe('runs table sort', () => {
  it('sorts numbers numerically and text by locale, both ways', () => {
    expect(sortRuns([a, b, c, d], 'wallSeconds', 'asc').map((r) => r.id)).toEqual(['b', 'c', 'a', 'd']);
    expect(sortRuns([a, b, c, d], 'wallSeconds', 'desc').map((r) => r.id)).toEqual(['a', 'd', 'c', 'b']);
    expect(sortRuns([a, b, c, d], 'label', 'asc').map((r) => r.label)).toEqual(['alpha', 'beta', 'delta', 'Gamma']);
    expect(sortRuns([a, b, c, d], 'extraParams', 'desc').map((r) => r.id)).toEqual(['c', 'b', 'a', 'd']);
  });

  it('is stable for ties and puts runs without a value last in either direction', () => {
    expect(sortRuns([d, c, a, b], 'accuracy', 'asc').map((r) => r.id)).toEqual(['d', 'a', 'b', 'c']);
    expect(sortRuns([d, c, a, b], 'accuracy', 'desc').map((r) => r.id)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('every column sorts a permutation of its input without losing or adding runs', () => {
    for (const col of RUN_COLUMNS) {
      for (const dir of ['asc', 'desc'] as const) {
        const out = sortRuns([c, a, d, b], col.id, dir);
        expect(out.map((r) => r.id).sort()).toEqual(['a', 'b', 'c', 'd']);
        const vals = out.map((r) => col.value(r)).filter((v) => v !== null);
        const sorted = [...vals].sort((x, y) => (typeof x === 'number' ? (x as number) - (y as number) : String(x).localeCompare(String(y))) * (dir === 'asc' ? 1 : -1));
        expect(vals).toEqual(sorted);
      }
    }
  });
});

describe('comparison data', () => {
  it('groups per-task bars of the scored runs with the references and an average row', () => {
    const x = sampleRecord('x', '2026-12-01T09:00:00.000Z', { tasks: [{ task: 't1', images: 8, accuracy: 40, normalized: 50, individual: 80, pretrained: 10 }, { task: 't2', images: 8, accuracy: 60, normalized: 75, individual: 80, pretrained: 20 }], average: { accuracy: 50, normalized: 62.5, individual: 80, pretrained: 15 } });
    const y = sampleRecord('y', '2026-12-01T10:00:00.000Z', { tasks: [{ task: 't2', images: 8, accuracy: 70, normalized: 87.5, individual: 80, pretrained: 20 }], average: { accuracy: 70, normalized: 87.5, individual: 80, pretrained: 20 } });
    const { rows, mixedImages } = taskBars([x, y, c]);
    expect(rows).toEqual([
      { task: 't1', pretrained: 10, individual: 80, x: 40 },
      { task: 't2', pretrained: 20, individual: 80, x: 60, y: 70 },
      { task: 'average', pretrained: 20, individual: 80, x: 50, y: 70 },
    ]);
    expect(mixedImages).toBe(true);
    expect(taskBars([x]).mixedImages).toBe(false);
    expect(taskBars([c])).toEqual({ rows: [], mixedImages: false });
  });

  it('places 0 extra parameters one decade left of the smallest count on a log axis', () => {
    const { points, zeroAt, ticks } = efficiencyPoints([a, b, c, d]);
    expect(points.map((p) => [p.id, p.x])).toEqual([['a', 2], ['b', Math.log10(5000)], ['d', 2]]);
    expect(zeroAt).toBe(2);
    expect(ticks).toEqual([2, 3, 4]);
    expect(ticks.map((t) => extraParamsTick(t, zeroAt))).toEqual(['0', '1k', '10k']);
    expect(efficiencyPoints([a, d])).toMatchObject({ zeroAt: -1, ticks: [-1, 0, 1] });
    expect(extraParamsTick(7, 2)).toBe('10M');
  });
});
