/**
 * Experiments as URLs: a TIES merge of a 2-task subset shows only those tasks; Copy link gives a
 * link that, opened in a new page, restores the same view (demo, method, parameters, image cap,
 * task subset, lessons sidebar) and, with `hide=`, hides those controls; a bad link names its bad
 * fields and the page stays usable with the defaults.
 */
import { expect, test } from './support/test';
import { MergeLab } from './support/merge-lab';

const KEEP = ['signs', 'digits'];

test('a shared link restores method, parameters, task subset and panels; hide= hides controls', async ({ lab, page, context }) => {
  const ml = new MergeLab(page);
  await lab.open();
  await ml.loadDemo();
  await ml.chooseMethod('TIES-Merging');
  await ml.setParam('k', '30');
  await page.getByTestId('eval-limit').selectOption({ label: 'a sample of 50 test images' });
  const boxes = page.getByTestId('subset-task');
  await expect(boxes).toHaveCount(8);
  for (const t of await boxes.evaluateAll((els) => els.map((e) => e.getAttribute('data-task')!))) {
    if (!KEEP.includes(t)) await page.locator(`[data-testid="subset-task"][data-task="${t}"]`).uncheck();
  }
  await expect(page.getByTestId('task-subset')).toContainText('Merging the 2 chosen experts and scoring those 2 tasks. Training always uses every task.');
  // The last one cannot go: a merge needs two.
  await page.locator('[data-testid="subset-task"][data-task="signs"]').click();
  await expect(page.getByTestId('task-subset')).toContainText('Choose at least two tasks to merge (only digits is chosen).');
  await expect(page.locator('[data-testid="subset-task"][data-task="signs"]')).toBeChecked();
  await expect(page.getByTestId('merge-pool')).toContainText('suite mini8 (2 of 8 experts: signs, digits)');
  await expect(page.getByTestId('train-all-tasks')).toContainText('Training uses all the suite\'s tasks');
  await ml.merge();
  const rows = await ml.table();
  expect(rows.map((r) => r.task)).toEqual(['signs', 'digits', 'average']);
  expect(rows[0].images).toBe('50');

  await page.getByTestId('lessons-toggle').click();
  await expect(page.getByTestId('lessons')).toBeVisible();
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#v=1&suite=demo&m=ties&p.k=30&eval=50&t=signs&t=digits&open=lessons');
  await page.getByTestId('copy-link').click();
  const link = await page.getByTestId('share-url').inputValue();
  expect(link).toContain('#v=1&suite=demo&m=ties&p.k=30');

  // The link in a new page: the same view, before anything is clicked.
  const other = await context.newPage();
  await other.goto(`${link}&hide=train,models`);
  const ml2 = new MergeLab(other);
  await expect(ml2.suitePanel.getByTestId('suite-name')).toHaveText('mini8', { timeout: 60_000 });
  await expect(other.getByTestId('method')).toHaveValue('ties');
  await expect(other.locator('[data-testid="param-form"] [data-param="k"] input')).toHaveValue('30');
  await expect(other.getByTestId('eval-limit')).toHaveValue('50');
  const checked = await other.getByTestId('subset-task').evaluateAll((els) => els.filter((e) => (e as HTMLInputElement).checked).map((e) => e.getAttribute('data-task')));
  expect(checked).toEqual(KEEP);
  await expect(other.getByTestId('lessons')).toBeVisible();
  await expect(other.getByTestId('train-panel')).toHaveCount(0);
  await expect(other.getByRole('heading', { name: 'Models', exact: true })).toHaveCount(0);
  await expect(other.getByTestId('merge-panel')).toBeVisible();
  await other.close();
});

test('a bad link names each bad field and keeps the defaults for the rest', async ({ lab, page }) => {
  await lab.open('#v=1&m=magic&p.lambda=0.7&lam=9&hide=nav&zoom=3');
  const notices = page.getByTestId('url-notices');
  await expect(notices).toContainText('Link field "m" = "magic" is not a merge method');
  await expect(notices).toContainText('Link field "lam" = "9" is not a number from 0 to 1.5; kept λ 0.3.');
  await expect(notices).toContainText('Link field "hide" lists unknown "nav"');
  await expect(notices).toContainText('Link field "zoom" is not known to this version and was ignored.');
  await expect(page.getByTestId('method')).toHaveValue('task_arithmetic');
  await expect(page.locator('[data-testid="param-form"] [data-param="lambda"] input')).toHaveValue('0.7');
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe('#v=1&p.lambda=0.7');
  await page.goto('about:blank');
  await page.goto('/#v=9&m=ties');
  await expect(page.getByTestId('url-notices')).toContainText('newer mergelab');
  await expect(page.getByTestId('method')).toHaveValue('task_arithmetic');
});
