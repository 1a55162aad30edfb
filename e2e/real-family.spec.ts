/**
 * Real checkpoints dragged in without a manifest: the generated family in e2e/fixtures/real-family
 * (a pretrained CLIPModel with text tower and tokenizer, FusionBench-style experts
 * clip-vit-base-patch32_<task>, Hub-style parquet splits <task>/test-00000-of-00001.parquet) is
 * picked as one parent folder. The page shows the match table (every task ready), opens the suite
 * with the heads built from the text tower (the "building heads" progress is seen), saves the
 * manifest it made, merges with Task Arithmetic on a sample and shows the accuracy table with the
 * sampled figures labelled and the published figures beside the runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './support/test';
import { fixture } from './support/lab-page';
import { MergeLab } from './support/merge-lab';

const FAMILY = fixture('real-family');

/** What the family holds, read from disk: the pretrained folder (config.json says CLIPModel) and the tasks with an expert and a parquet split. */
function familyLayout(): { pretrained: string; tasks: string[] } {
  const dirs = readdirSync(FAMILY, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  const config = (d: string) => {
    const p = join(FAMILY, d, 'config.json');
    return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) as { architectures?: string[] } : null;
  };
  const pretrained = dirs.find((d) => config(d)?.architectures?.includes('CLIPModel'))!;
  const tasks = dirs.filter((d) => config(d) === null && readdirSync(join(FAMILY, d), { recursive: true }).some((f) => String(f).endsWith('.parquet')))
    .filter((t) => dirs.includes(`clip-vit-base-patch32_${t}`));
  return { pretrained, tasks };
}


test('assembles the real family, builds the heads from the text tower, merges and shows the table', async ({ lab, page }) => {
  test.setTimeout(300_000);
  const { pretrained, tasks } = familyLayout();
  expect(tasks.length).toBeGreaterThanOrEqual(2);
  const ml = new MergeLab(page);
  await lab.open();

  // Picked as one parent folder without manifest.json: the match table, no suite yet.
  await page.getByTestId('suite-input').setInputFiles(FAMILY);
  const view = page.getByTestId('assembly-view');
  await expect(view).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('assembly-pretrained')).toContainText(pretrained);
  const rows = view.getByTestId('assembly-row');
  await expect(rows).toHaveCount(tasks.length);
  for (const t of tasks) {
    const row = view.locator(`[data-testid="assembly-row"][data-task="${t}"]`);
    await expect(row).toHaveAttribute('data-status', 'ready');
    await expect(row).toContainText(`clip-vit-base-patch32_${t}`);
    await expect(row).toContainText('ready');
  }
  await expect(page.getByTestId('assembly-missing')).toHaveCount(0);
  await expect(ml.suitePanel).toHaveAttribute('data-status', 'idle');

  // Save suite: the manifest it made, paths relative to the parent folder.
  const download = page.waitForEvent('download');
  await page.getByTestId('save-assembly').click();
  const saved = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as { pretrained: string; experts: Record<string, string>; tasks: { name: string }[]; heads?: string };
  expect(saved.pretrained).toBe(pretrained);
  expect(saved.heads).toBeUndefined();
  expect(Object.fromEntries(tasks.map((t) => [t, saved.experts[t]]))).toEqual(Object.fromEntries(tasks.map((t) => [t, `clip-vit-base-patch32_${t}`])));

  // Use this suite: every progress stage shown is recorded, the heads' included.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      for (const el of Array.from(document.querySelectorAll('[data-testid="suite-panel"] [data-testid="progress"]'))) seen.push(el.textContent ?? '');
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('use-assembly').click();
  await expect(ml.suitePanel).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  expect(seen.some((s) => s.includes('building heads'))).toBe(true);
  await expect(ml.suitePanel.getByTestId('suite-name')).toHaveText('real-family');
  await expect(ml.suitePanel.getByTestId('suite-pool')).toContainText(`${tasks.length} experts`);
  for (const t of tasks) await expect(ml.task(t).getByTestId('task-images')).not.toHaveText('');

  // A sample of 10 per task (1 per class, where the first 10 rows of these label-sorted splits are one class): the plan before, the labels after.
  await page.getByTestId('eval-limit').selectOption('10');
  await expect(page.getByTestId('eval-plan')).toContainText('of');
  await ml.chooseMethod('Task Arithmetic');
  await ml.merge();
  const table = await ml.table();
  // Tasks in the registry's order (FusionBench's: … eurosat, svhn, gtsrb, mnist …), not the folders' alphabetical one.
  expect(table.map((r) => r.task)).toEqual(['eurosat', 'svhn', 'mnist'].filter((t) => tasks.includes(t)).concat('average'));
  expect(table.map((r) => r.task).sort()).toEqual([...tasks, 'average'].sort());
  for (const r of table.filter((x) => x.task !== 'average')) {
    expect(Number(r.images)).toBeGreaterThan(0);
    expect(Number(r.cells.individual.acc)).toBeGreaterThanOrEqual(0);
  }
  await expect(page.getByTestId('eval-eta')).toContainText('images/s');

  // The registry's published figures beside the runs, with their source.
  await page.getByTestId('show-published').check();
  await expect(page.getByTestId('published-header').first()).toBeVisible();
  await expect(page.getByTestId('published-sources')).toContainText('FusionBench');
});
