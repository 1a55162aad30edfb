// docs/results.md's "Why" section: the disentanglement figures come from the interference matrix
// (own-task gain = diagonal mean, others = off-diagonal mean, additive TA = pretrained + Σ/T), the
// table and the step-size comparison read the records, and learned coefficients and paper-schedule
// reruns are reported from the rows.
import { describe, expect, it } from 'vitest';
import type { ZooRecord } from '../zoo/diagnose';
import type { Row } from './render';
import { disentanglement, whySection } from './why';

const sweep = (acc: number[]) => [0, 0.1, 0.3, 1].map((lambda, i) => ({ lambda, entropy: [4, 5, 5.2, 5.1][i], accuracy: acc[i] }));
const record = (lr: number, scale: number, ta: number, individual: number, interference?: number[][]): ZooRecord => ({
  finetune: { steps: 400, batch: 32, lr, weightDecay: 0.1 },
  averages: { pretrained: 40, individual, average: 41, task_arithmetic: ta, ties: 39 },
  diagnosis: { suite: 'z', pretrainedNorm: 10, relativeNorm: { a: 0.1 * scale, b: 0.3 * scale }, relativeNormByGroup: { head: 0.1 }, cosine: { mean: 0.08, max: 0.2 }, sumRatio: 0.5, sweep: sweep([40, 43, ta, 20]), ...(interference ? { interference } : {}) },
});
const names = ['a', 'b'];
const row = (label: string, group: Row['group'], x: number, extra: Partial<Row> = {}): Row => ({ label, group, tasks: { a: x, b: x }, extraParams: 0, trainSeconds: 0, ...extra });

describe('why section', () => {
  it('computes the disentanglement figures from the interference matrix', () => {
    const d = disentanglement(record(1e-3, 1, 35, 70, [[10, -2], [-4, 6]]))!;
    expect(d.own).toBeCloseTo(8, 12);
    expect(d.others).toBeCloseTo(-3, 12);
    expect(d.additiveTa).toBeCloseTo(40 + 10 / 2, 12);
    expect(disentanglement(record(1e-3, 1, 35, 70))).toBeNull();
  });

  it('says what was measured, from the records and rows', () => {
    const rows = [
      row('TIES (k 20, λ 0.3)', 'merge', 39),
      row('LW AdaMerging', 'adamerging', 34, { steps: 100 }),
      row('LW AdaMerging, paper schedule (500 iterations)', 'extra', 38, { steps: 500, lambda: { mean: 0.21, min: 0, max: 0.6 } }),
    ];
    const md = whySection({ records: [record(1e-3, 1, 35, 70, [[10, -2], [-4, 6]]), record(1e-4, 0.25, 35.5, 54)], classes: { a: 10, b: 40 } }, rows, names, [{ ok: true }, { ok: false }]);
    expect(md).toContain('| 64 × 4, patch 8, s 100 | lr 0.001, 400 steps | 20.0 % | 0.08 | 70.0 | 40.0 | 35.0 | 39.0 | — | 0.1 (43.0) | 0 | +8.0 / −3.0 | 45.0 vs 35.0 |');
    expect(md).toContain('| 64 × 4, patch 8, s 100 | lr 0.0001, 400 steps | 5.0 % | 0.08 | 54.0 | 40.0 | 35.5 | 39.0 | — | 0.1 (43.0) | 0 | — | — |');
    expect(md).toContain('lowest at λ 0 (4.00 nats, the pretrained model itself');
    expect(md).toContain('shrank the task vectors 4.0× and cost the experts 16.0 points');
    expect(md).toContain('LW AdaMerging, paper schedule (500 iterations) ends at λ mean 0.210 (range 0.00–0.60) and 38.0 %');
    expect(md).toContain('LW AdaMerging 34.0 → 38.0 at the paper\'s schedule (TIES 39.0)');
    const longer = [rows[0], rows[1], { ...rows[2], tasks: { a: 10.5, b: 20 } }];
    const worse = whySection({ records: [record(1e-3, 1, 35, 70)], classes: { a: 10, b: 40 } }, longer, names, [{ ok: false }]);
    expect(worse).toContain('1 of the 1 ordering checks fail on this zoo; neither a gentler expert recipe nor AdaMerging\'s full schedule rescues LW AdaMerging.');
    expect(worse).toContain(
      'LW AdaMerging 34.0 → 15.3 at the paper\'s schedule (500 steps made it worse, so the reduced schedule is not what hides the ordering; at chance on a 10.5: entropy minimisation made confident wrong predictions) (TIES 39.0)');
    expect(md).toContain('1 of the 2 ordering checks fail');
    expect(whySection({ records: [], classes: {} }, rows, names, [])).toBe('');
    expect(md).toContain('not tried here');
  });

  it('reports logit-scale and width trials from their records, and the verdict from LW AdaMerging against TIES', () => {
    const trial = (zoo: ZooRecord['zoo'], lw: number, entropy: number[]): ZooRecord => {
      const r = record(1e-3, 1, 35, 70, [[10, -2], [-4, 6]]);
      return { ...r, zoo, lwAdaMerging: lw, diagnosis: { ...r.diagnosis, sweep: r.diagnosis.sweep.map((p, i) => ({ ...p, entropy: entropy[i] })) } };
    };
    const shipped = { ...record(1e-3, 1, 35, 70), lwAdaMerging: 34 };
    const s16 = trial({ width: 64, layers: 4, patch: 8, logitScale: 16 }, 36, [9, 8, 8.5, 9]);
    const wide = trial({ width: 128, layers: 4, patch: 8, logitScale: 16 }, 41, [9, 8, 8.5, 9]);
    const md = whySection({ records: [shipped, s16, wide], classes: { a: 10, b: 40 } }, [row('TIES (k 20, λ 0.3)', 'merge', 39)], names, [{ ok: false }]);
    expect(md).toContain('| 128 × 4, patch 8, s 16 | lr 0.001, 400 steps | 20.0 % | 0.08 | 70.0 | 40.0 | 35.0 | 39.0 | 41.0 | 0.1 (43.0) | 0.1 | +8.0 / −3.0 | 45.0 vs 35.0 |');
    expect(md).toContain('s 16: minimum at λ 0.1, peak at λ 0.1; experts 70.0, TA 35.0, TIES 39.0, LW AdaMerging 36.0');
    expect(md).toContain('(shipped: minimum at λ 0, peak at λ 0.1)');
    expect(md).toContain('128 × 4, patch 8, s 16: experts 70.0, TA 35.0, TIES 39.0, LW AdaMerging 41.0, additive TA 45.0');
    expect(md).toContain('On 2 of the 3 zoos measured with it above, LW AdaMerging stays below TIES; on 3 of\nthe 3 Task Arithmetic (λ 0.3) lands below the pretrained model, and on 2 of the 2 with single-vector\nmeasurements the eight vectors together land more than 3 points below');
    expect(md).toContain('- **A wider tower** (same tasks');
    expect(md).not.toContain('not tried here');
  });
});
