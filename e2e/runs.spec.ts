/**
 * Runs and comparison in Chromium: two merges on the demo zoo are recorded in the
 * runs table; sorting by a column (aria-sort) and selecting both draws the comparison charts
 * (per-task bars against the references, accuracy vs extra parameters); the runs survive a reload
 * (IndexedDB); delete one, then clear all through the confirm dialog; a corrupt stored value is
 * reported with a delete button instead of breaking the page. A run whose write is under way when
 * the page reloads is found whole or not at all.
 */
import { expect, test } from './support/test';
import { MergeLab } from './support/merge-lab';

test('two demo merges land in the runs table, compare in charts, survive a reload, delete and clear', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  const panel = page.getByTestId('runs-panel');
  const rows = panel.getByTestId('runs-row');
  await lab.open();
  await expect(panel.getByTestId('runs-status')).toContainText('0 recorded runs');
  await ml.loadDemo();
  await page.getByTestId('eval-limit').selectOption({ label: 'a sample of 50 test images' });
  await ml.chooseMethod('Task Arithmetic');
  await ml.merge();
  await ml.chooseMethod('Weight averaging');
  await ml.merge();
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toContainText('Task Arithmetic · λ 0.3 · sample of 50 images');
  await expect(rows.nth(1)).toContainText('Weight averaging');
  await expect(rows.nth(0)).toHaveAttribute('data-kind', 'merge');

  // Sort by average accuracy: the header says so and the rows follow the figures.
  const accHeader = panel.locator('th', { has: page.getByTestId('sort-accuracy') });
  await page.getByTestId('sort-accuracy').click();
  await expect(accHeader).toHaveAttribute('aria-sort', 'ascending');
  const accs = async () => (await rows.evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll('td')[6].textContent ?? ''))).map(Number);
  const up = await accs();
  expect(up[0]).toBeLessThanOrEqual(up[1]);
  await page.getByTestId('sort-accuracy').press('Enter'); // keyboard: the same button flips the direction
  await expect(accHeader).toHaveAttribute('aria-sort', 'descending');
  expect(await accs()).toEqual([...up].reverse());

  await expect(panel.getByTestId('runs-compare')).toHaveCount(0);
  await panel.getByLabel('Select all runs').check();
  const bars = panel.getByTestId('compare-bars');
  await expect(bars).toBeVisible();
  // 8 tasks + the average, each with pretrained, individual and the two runs.
  await expect(bars.locator('.recharts-bar-rectangle')).toHaveCount(9 * 4);
  await expect(bars.locator('.recharts-legend-item')).toHaveCount(4);
  const scatter = panel.getByTestId('compare-scatter');
  await expect(scatter.locator('.recharts-scatter-symbol')).toHaveCount(2);
  await expect(scatter.locator('.recharts-cartesian-axis-tick-value').first()).toHaveText('0');

  await page.reload();
  await expect(lab.backendBadge).not.toHaveText(/starting/, { timeout: 60_000 });
  await expect(panel.getByTestId('runs-status')).toContainText('2 recorded runs');
  await expect(rows).toHaveCount(2);
  await panel.getByRole('button', { name: /^Delete Weight averaging/ }).click();
  await expect(rows).toHaveCount(1);
  await page.reload();
  await expect(rows).toHaveCount(1);
  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('runs-clear').click();
  await expect(rows).toHaveCount(0);
  await page.reload();
  await expect(panel.getByTestId('runs-status')).toContainText('0 recorded runs');

  // A stored value that is not a run (another page's, or corrupt) is reported with a delete button; the page works on.
  await page.evaluate(async () => {
    const req = indexedDB.open('mergelab-runs');
    await new Promise((r) => { req.onsuccess = r; });
    const tx = req.result.transaction('runs', 'readwrite');
    tx.objectStore('runs').put({ id: 'junk', version: 1, kind: 'merge', label: 42 });
    await new Promise((r) => { tx.oncomplete = r; });
    req.result.close();
  });
  await page.reload();
  const problems = panel.getByTestId('runs-problems');
  await expect(problems).toContainText('Run "junk" cannot be read: label is not a string');
  await problems.getByRole('button', { name: 'delete it' }).click();
  await expect(problems).toHaveCount(0);
  await page.reload();
  await expect(panel.getByTestId('runs-status')).toContainText('0 recorded runs');
  await expect(problems).toHaveCount(0);
});

test('a run that finishes as the page reloads is stored whole or not at all', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  const panel = page.getByTestId('runs-panel');
  await lab.open();
  await ml.loadDemo();
  await page.getByTestId('eval-limit').selectOption({ label: 'a sample of 50 test images' });
  await ml.chooseMethod('Task Arithmetic');
  // Reload the moment the finished run's write starts (a state change): its transaction is then
  // either committed before the page goes or aborted with it.
  await page.evaluate(() => {
    type State = { runs: { saving: unknown[] } };
    const lab = (window as unknown as { __mergelab: { subscribe(f: (s: State) => void): () => void } }).__mergelab;
    const stop = lab.subscribe((s) => { if (s.runs.saving.length > 0) { stop(); window.location.reload(); } });
  });
  await page.getByTestId('run-merge').click();
  await page.waitForEvent('load');
  await expect(panel.getByTestId('runs-status')).toContainText(/\d+ recorded runs?,/);
  await expect(panel.getByTestId('runs-problems')).toHaveCount(0);
  const stored = await page.evaluate(() => {
    type Rec = { label: string; tasks: { task: string; accuracy: number | null }[]; average: { accuracy: number } | null };
    return (window as unknown as { __mergelab: { getState(): { runs: { records: Rec[] } } } }).__mergelab.getState().runs.records;
  });
  expect(stored.length).toBeLessThanOrEqual(1);
  test.info().annotations.push({ type: 'runs stored across the reload', description: String(stored.length) });
  for (const r of stored) { // whole: every task scored and the average there
    expect(r.label).toContain('Task Arithmetic · λ 0.3 · sample of 50 images');
    expect(r.tasks).toHaveLength(8);
    expect(r.tasks.every((t) => typeof t.accuracy === 'number')).toBe(true);
    expect(r.average?.accuracy).toBeGreaterThan(0);
  }
  await expect(panel.getByTestId('runs-row')).toHaveCount(stored.length);
});
