/**
 * The Train panel on the demo zoo: TA + Representation Surgery (quick schedule, a sample of 100 images)
 * trains in the worker, draws its loss curve and lands in the accuracy table beside TA, beating
 * TA's average on the same images; Pause holds it, Resume and Stop early work; cancelling a
 * training leaves the page usable.
 */
import { expect, test } from './support/test';
import { MergeLab } from './support/merge-lab';

test('TA + Surgery (quick) trains, shows its loss curve and beats TA on the same images', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await lab.open();
  await ml.loadDemo();
  await ml.chooseMethod('Task Arithmetic');
  await page.getByTestId('eval-limit').selectOption({ label: 'a sample of 100 test images' });
  await ml.merge();
  const [ta] = await ml.runKeys();

  const panel = page.getByTestId('train-panel');
  await expect(page.getByTestId('train-base')).toHaveValue('task_arithmetic');
  await expect(page.getByTestId('train-correction')).toHaveValue('surgery');
  await expect(page.getByTestId('train-preset')).toHaveValue('quick');
  await expect(page.getByTestId('train-limit')).toHaveValue('100');
  await expect(panel.locator('[data-testid="train-correction-form"] [data-param="iterations"] input')).toHaveValue('50');
  await expect(page.getByTestId('train-extra-params')).toContainText(/\d/);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toContainText('step', { timeout: 120_000 });
  await expect(page.getByTestId('train-run')).toHaveCount(1, { timeout: 170_000 });
  const curve = panel.getByTestId('loss-curve');
  expect(Number(await curve.getAttribute('data-steps'))).toBe(800); // 50 iterations × 2 batches × 8 tasks
  const drawn = Number(await curve.getAttribute('data-points')); // bounded: each bucket's extremes
  expect(drawn).toBeGreaterThan(100);
  expect(drawn).toBeLessThanOrEqual(500);
  await expect(curve.locator('path.recharts-line-curve')).toHaveCount(1);

  const key = await page.getByTestId('train-run').getAttribute('data-key');
  const headers = await ml.results.getByTestId('merged-header').allInnerTexts();
  expect(headers.findIndex((h) => h.includes('Representation Surgery'))).toBe(headers.findIndex((h) => h.startsWith('Task Arithmetic · λ 0.3 · sample of 100')) + 1);
  const rows = await ml.table();
  expect(rows.find((r) => r.task === 'scenes')!.images).toBe('100');
  const avg = rows.find((r) => r.task === 'average')!;
  expect(Number(avg.cells[key!].acc)).toBeGreaterThan(Number(avg.cells[ta].acc));
});

test('cancelling a training keeps the page usable', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await lab.open();
  await ml.loadDemo();
  await page.getByTestId('train-preset').selectOption('paper');
  await page.getByTestId('train-limit').selectOption({ label: 'a sample of 50 test images' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toContainText('step', { timeout: 120_000 });
  await page.getByTestId('train-cancel').click();
  await expect(page.getByTestId('train-cancelled')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('train-start')).toBeEnabled();
  await ml.chooseMethod('Weight averaging');
  await page.getByTestId('eval-limit').selectOption({ label: 'a sample of 50 test images' });
  await ml.merge();
  const avg = (await ml.table()).find((r) => r.task === 'average')!;
  expect(Number(avg.cells[(await ml.runKeys())[0]].acc)).toBeGreaterThan(0);
});

test('Pause holds the steps, Resume goes on, Stop early scores what was learnt', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await lab.open();
  await ml.loadDemo();
  await page.getByTestId('train-preset').selectOption('paper');
  await page.getByTestId('train-limit').selectOption({ label: 'a sample of 50 test images' });
  const progress = page.getByTestId('train-progress');
  await page.getByTestId('train-start').click();
  await expect(progress).toContainText('step', { timeout: 120_000 });
  await page.getByTestId('train-pause').click();
  await expect(progress).toContainText('Paused');
  const held = await progress.innerText();
  await page.waitForTimeout(1000);
  expect(await progress.innerText()).toBe(held);
  await page.getByTestId('train-resume').click();
  await expect(progress).not.toContainText('Paused');
  await expect(progress).not.toHaveText(held);
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-run')).toHaveCount(1, { timeout: 120_000 });
  await expect(page.getByTestId('train-run')).toContainText('(stopped early)');
  const steps = Number(/Surgery · (\d+) steps/.exec(await page.getByTestId('train-run').innerText())![1]);
  expect(steps).toBeGreaterThan(0);
  expect(steps).toBeLessThan(8000); // the paper schedule: 500 iterations × 2 × 8 tasks
});

test('AdaMerging\'s learned coefficients: heatmap, export, paste back (same accuracy, no training), misfits named', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await lab.open();
  await ml.loadDemo();
  const panel = page.getByTestId('train-panel');
  await page.getByTestId('train-base').selectOption('adamerging');
  await panel.locator('[data-testid="train-base-form"] [data-param="iterations"] input').fill('3');
  await page.getByTestId('train-correction').selectOption('none');
  await page.getByTestId('train-limit').selectOption({ label: 'a sample of 50 test images' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-run')).toHaveCount(1, { timeout: 170_000 });

  const first = page.getByTestId('train-run').first();
  await first.getByTestId('train-coefficients').locator('summary').click();
  const heatmap = first.getByTestId('coefficient-heatmap');
  await expect(heatmap).toContainText('Layer-wise λ: 8 tasks × ');
  await expect(heatmap.locator('svg text', { hasText: 'block 1' }).first()).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), heatmap.getByTestId('export-coefficients').click()]);
  const path = await download.path();
  const { readFile } = await import('node:fs/promises');
  const exported = await readFile(path, 'utf8');
  expect(JSON.parse(exported)).toMatchObject({ format: 'mergelab-coefficients', granularity: 'layer' });

  const text = page.getByTestId('coefficients-text');
  await text.fill('[0.3, 0.3]');
  await page.getByTestId('coefficients-use').click();
  await expect(page.getByTestId('coefficient-loader').getByTestId('error')).toContainText('2 rows for 8 tasks');
  await expect(text).toHaveValue('[0.3, 0.3]'); // nothing lost
  await expect(page.getByTestId('train-start')).toBeDisabled();

  await text.fill(exported);
  await page.getByTestId('coefficients-use').click();
  await expect(page.getByTestId('coefficients-status')).toContainText('layer-wise coefficients');
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-run')).toHaveCount(2, { timeout: 170_000 });
  const second = page.getByTestId('train-run').nth(1);
  await expect(second).toContainText('loaded coefficients');
  const average = async (run: typeof first) => /average ([\d.]+) %/.exec(await run.innerText())![1];
  expect(await average(second)).toBe(await average(first));
});
