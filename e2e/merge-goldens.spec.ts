/**
 * The fixture family merged in the page: tiny-a + merge/task-0..3 loaded through the folder
 * input, merged in the worker with weight averaging, Task Arithmetic (λ 0.3) and TIES (dis-mean,
 * λ follows to 1), and each downloaded model.safetensors compared tensor by tensor with the
 * golden checkpoints of e2e/fixtures/merge (max |Δ| ≤ 1e-6, as the Node golden tests).
 */
import { readFileSync } from 'node:fs';
import { expect, test } from './support/test';
import { fixture } from './support/lab-page';
import { MergeLab } from './support/merge-lab';

/** F32 tensors of a safetensors file by name (enough for these fixtures). */
function f32Tensors(bytes: Buffer): Map<string, Float32Array> {
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; data_offsets: [number, number] }>;
  const out = new Map<string, Float32Array>();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    expect(t.dtype, name).toBe('F32');
    const start = 8 + n + t.data_offsets[0];
    const copy = bytes.subarray(start, 8 + n + t.data_offsets[1]);
    out.set(name, new Float32Array(copy.buffer.slice(copy.byteOffset, copy.byteOffset + copy.byteLength)));
  }
  return out;
}

const CASES = [
  { method: 'Weight averaging', params: {}, golden: 'merged-average' },
  { method: 'Task Arithmetic', params: { lambda: '0.3' }, golden: 'merged-task-arithmetic-0.3' },
  { method: 'TIES-Merging', params: { k: '20', aggregate: 'mean' }, golden: 'merged-ties-0.2-1.0' },
];

test('averaging, TA and TIES of the fixture family equal the golden checkpoints', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await lab.open();
  await lab.pickFolder(fixture('tiny-a'));
  for (const t of ['task-0', 'task-1', 'task-2', 'task-3']) await lab.pickFolder(fixture('merge', t));
  for (const t of ['tiny-a', 'task-3']) await lab.waitLoaded(t);
  await expect(ml.mergePanel.getByTestId('merge-pool')).toContainText('tiny-a + 4 experts');
  for (const [i, c] of CASES.entries()) {
    await ml.chooseMethod(c.method);
    for (const [name, value] of Object.entries(c.params)) await ml.setParam(name, value);
    await ml.merge();
    const download = page.waitForEvent('download');
    await page.getByTestId('merge-run').nth(i).getByTestId('download-model').click();
    const got = f32Tensors(readFileSync(await (await download).path()));
    const want = f32Tensors(readFileSync(fixture('merge', c.golden, 'model.safetensors')));
    expect([...got.keys()].sort(), c.golden).toEqual([...want.keys()].sort());
    let worst = 0;
    for (const [name, w] of want) {
      const g = got.get(name)!;
      for (let k = 0; k < w.length; k++) worst = Math.max(worst, Math.abs(g[k] - w[k]));
    }
    expect(worst, c.golden).toBeLessThanOrEqual(1e-6);
  }
  await expect(page.getByTestId('merge-run').nth(2)).toContainText('λ 1'); // TIES dis-mean took its λ default
});

test('a Consensus merge offers each task\'s TALL-mask retrieved model θ0 + mt ⊙ Σ τ (checked against the fixture files)', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await lab.open();
  await lab.pickFolder(fixture('tiny-a'));
  for (const t of ['task-0', 'task-1', 'task-2', 'task-3']) await lab.pickFolder(fixture('merge', t));
  for (const t of ['tiny-a', 'task-3']) await lab.waitLoaded(t);
  await ml.chooseMethod('Consensus (TALL masks)');
  await ml.merge();
  const run = page.getByTestId('merge-run').first();
  await run.getByTestId('retrieved-task').selectOption('task-2');
  const download = page.waitForEvent('download');
  await run.getByTestId('download-retrieved').click();
  const got = f32Tensors(readFileSync(await (await download).path()));
  const base = f32Tensors(readFileSync(fixture('tiny-a', 'model.safetensors')));
  const experts = [0, 1, 2, 3].map((t) => f32Tensors(readFileSync(fixture('merge', `task-${t}`, 'model.safetensors'))));
  let worst = 0;
  let masked = 0;
  for (const [name, b] of base) {
    const g = got.get(name)!;
    for (let j = 0; j < b.length; j++) {
      const taus = experts.map((e) => e.get(name)![j] - b[j]);
      const sum = taus.reduce((a, v) => a + v, 0);
      const m = Math.abs(taus[2]) > 0.6 * Math.abs(sum - taus[2]); // λt 0.6, the default
      masked += m ? 0 : 1;
      worst = Math.max(worst, Math.abs(g[j] - (m ? b[j] + sum : b[j])));
    }
  }
  expect(worst).toBeLessThanOrEqual(1e-5);
  expect(masked).toBeGreaterThan(0);
});
