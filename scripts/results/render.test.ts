// docs/results.md rendering: the ordering checks read the averages (pass and fail cases), the
// tables hold absolute and normalised accuracy, and the AdaMerging diagnostic explains a miss only
// when AdaMerging actually missed.
import { describe, expect, it } from 'vitest';
import { type Row, orderingChecks, renderResults } from './render';

const names = ['a', 'b'];
const row = (label: string, group: Row['group'], x: number, y: number, extraParams = 0): Row => ({ label, group, tasks: { a: x, b: y }, extraParams, trainSeconds: extraParams ? 12 : 0 });
const base = [row('Pretrained (zero-shot head)', 'reference', 40, 30), row('Individual (experts)', 'reference', 80, 60), row('Task Arithmetic (λ 0.3)', 'merge', 50, 40), row('TIES (k 20, λ 0.3)', 'merge', 52, 40)];
const meta = { suite: 's', preset: 'paper', schedules: { adamerging: 100, surgery: 500 }, backend: 'wasm', seconds: 60, command: 'npm run results' };
const sweep = [0.125, 0.2, 0.3, 0.45].map((lambda) => ({ lambda, entropy: 5.3 + Math.abs(lambda - 0.3), accuracy: 50 - 40 * lambda }));

describe('results rendering', () => {
  it('passes the ordering when corrections > LW AdaMerging > TIES ≈ TA', () => {
    const rows = [...base, row('LW AdaMerging', 'adamerging', 60, 50, 16), row('LW AdaMerging + Surgery (r 16)', 'correction', 70, 55, 100), row('TA + Surgery (r 16)', 'correction', 65, 50, 84)];
    expect(orderingChecks(rows, names).map((c) => c.ok)).toEqual([true, true, true, true]);
    const md = renderResults(rows, names, rows[1].tasks, meta, sweep);
    expect(md).toContain('| TA + Surgery (r 16) | 65.0 | 50.0 | **57.5** | 82.3 | 84 | 12 |');
    expect(md).toContain('| Pretrained (zero-shot head) | 50.0 | 50.0 | **50.0** |'); // normalised table
    expect(md).toContain('100 iterations (**reduced**)');
    expect(md).not.toContain('this is the zoo, not a bug');
    expect(md).not.toContain('What the reduced schedules cost');
    const extra = { ...row('TA + Surgery (r 16), paper schedule (500 iterations)', 'extra', 75, 60, 84), steps: 8000 };
    const withExtra = renderResults([...rows, { ...rows[6], steps: 800 }, extra].filter((_, i) => i !== 6), names, rows[1].tasks, meta, sweep);
    expect(withExtra).toContain('- TA + Surgery (r 16): 57.5 at the reduced schedule (800 steps, 12 s) → 67.5 at the paper schedule (8000 steps, 12 s).');
    expect(orderingChecks([...rows, extra], names).map((c) => c.ok)).toEqual([true, true, true, true]);
  });

  it('fails the checks it should, and then explains the AdaMerging miss from the sweep', () => {
    const rows = [...base, row('LW AdaMerging', 'adamerging', 50, 39, 16), row('LW AdaMerging + Surgery (r 16)', 'correction', 49, 39, 100)];
    expect(orderingChecks(rows, names).map((c) => c.ok)).toEqual([false, false, false, true]);
    const md = renderResults(rows, names, rows[1].tasks, meta, sweep);
    expect(md).toMatch(/❌ LW AdaMerging \(44\.5\) beats TIES \(46\.0\)/);
    expect(md).toContain("❌ every correction beats TIES and TA: weakest is LW AdaMerging + Surgery (r 16) at 44.0");
    expect(md).toContain('λ = 0.3 (AdaMerging\'s start) is a local minimum of the entropy');
    expect(md).toContain('this is the zoo, not a bug');
  });
});
