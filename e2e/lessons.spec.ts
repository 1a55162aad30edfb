/**
 * Teaching mode: a lesson link (lesson 2, task vectors and λ) opens the sidebar beside the live
 * lab, loads the demo and hides what the lesson does not need; the learner merges, drags λ to
 * three values and evaluates the best one in full; each step is detected as done from the lab,
 * "what to notice" quotes the learner's own numbers (checked against the table and the λ panel),
 * the progress says so, and it survives a reload.
 */
import { expect, test } from './support/test';
import { MergeLab } from './support/merge-lab';

test('lesson 2 runs through from a link: merge, drag λ three times, full evaluation at the best λ', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await lab.open('#v=1&lesson=tv-lambda&step=1');
  const lesson = page.getByTestId('lesson');
  await expect(lesson).toHaveAttribute('data-step', '1');
  await expect(page.getByTestId('lesson-progress')).toHaveText('Lesson 2 of 7 · step 1 of 3 · 0 of 7 lessons done');
  await expect(page.getByTestId('lesson-step-title')).toHaveText('Task vectors');
  await expect(ml.suitePanel.getByTestId('suite-name')).toHaveText('mini8'); // the link loaded the demo
  await expect(page.getByTestId('train-panel')).toHaveCount(0); // hidden by the lesson
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toHaveCount(0);
  await expect(page.getByTestId('lesson-hidden')).toContainText('the Models panels, the Train panel, the task-vector analytics');
  await expect(page.getByTestId('method')).toHaveValue('task_arithmetic');
  await expect(page.getByTestId('eval-limit')).toHaveValue('100');

  // Step 1: one merge.
  await ml.merge();
  await expect(page.getByTestId('lesson-status')).toHaveAttribute('data-done', 'true');
  const [first] = await ml.runKeys();
  const avg1 = (await ml.table()).find((r) => r.task === 'average')!.cells[first].acc;
  await expect(page.getByTestId('lesson-notice')).toContainText(`Task Arithmetic at λ 0.3 scored ${avg1} % on average`);
  await expect(page.getByTestId('lesson-notice')).toContainText(/\d+\.\d points above the pretrained model \(\d+\.\d %\)/);

  // Step 2: three λ on the slider.
  await page.getByTestId('lesson-next').click();
  await expect(page.getByTestId('lesson-progress')).toHaveText('Lesson 2 of 7 · step 2 of 3 · 0 of 7 lessons done');
  await expect(page.getByTestId('lesson-status')).toHaveAttribute('data-done', 'false');
  const slider = ml.sweep.getByTestId('sweep-slider');
  const scored: Record<string, string> = {};
  for (const lambda of ['0.1', '0.5', '1']) {
    await slider.fill(lambda);
    await expect(ml.sweep.getByTestId('sweep-lambda')).toHaveText(Number(lambda).toFixed(2));
    await expect(ml.sweep.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    scored[lambda] = await ml.sweep.getByTestId('sweep-average').innerText();
  }
  await expect(page.getByTestId('lesson-status')).toHaveAttribute('data-done', 'true');
  const best = Object.entries(scored).reduce((a, b) => (Number(b[1]) > Number(a[1]) ? b : a));
  await expect(page.getByTestId('lesson-notice')).toContainText(`Of the 3 λ tried, λ = ${Number(best[0]).toFixed(2)} scored best (${best[1]} %)`);

  // The lab beside the sidebar, as the learner sees it (a test artefact).
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.screenshot({ path: test.info().outputPath('lesson-tv-lambda-step2.png') });
  // Step 3 (by keyboard): the best λ in full.
  await page.getByTestId('lesson-next').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('lesson-step-title')).toHaveText('Evaluate your λ in full');
  await slider.fill(best[0]);
  await expect(ml.sweep.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const before = await page.getByTestId('merge-run').count();
  await ml.sweep.getByRole('button', { name: /Full evaluation/ }).click();
  await expect(page.getByTestId('merge-run')).toHaveCount(before + 1, { timeout: 60_000 });
  await expect(page.getByTestId('lesson-status')).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
  const [, second] = await ml.runKeys();
  const avg2 = (await ml.table()).find((r) => r.task === 'average')!.cells[second].acc;
  await expect(page.getByTestId('lesson-notice')).toContainText(`Task Arithmetic went from ${avg1} % at λ 0.3 to ${avg2} % at λ ${Number(best[0])}`);
  await expect(page.getByTestId('lesson-progress')).toHaveText('Lesson 2 of 7 · step 3 of 3 · 1 of 7 lessons done');

  // Finish: back to the list, the controls show again, and the progress survives a reload.
  await page.getByTestId('lesson-finish').click();
  await expect(page.getByTestId('lessons-done')).toContainText('1 of 7 lessons done');
  await expect(page.locator('[data-testid="lesson-item"][data-lesson="tv-lambda"]')).toContainText('3 of 3 steps done');
  await expect(page.getByTestId('train-panel')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#v=1&suite=demo&p.lambda=' + Number(best[0]) + '&eval=100&lam=' + Number(best[0]) + '&open=lessons');
  await page.reload();
  await expect(page.getByTestId('lessons')).toBeVisible(); // the open sidebar is in the link
  await expect(page.getByTestId('lessons-done')).toContainText('1 of 7 lessons done');
  await page.locator('[data-testid="lesson-item"][data-lesson="ties"] button').click();
  await expect(page.getByTestId('lesson-progress')).toHaveText('Lesson 3 of 7 · step 1 of 4 · 1 of 7 lessons done');
  await page.getByTestId('lesson-restart').click();
  await expect(page.getByTestId('lesson-step-title')).toHaveText('Interference');
});
