/**
 * Exports in Chromium: a demo merge's HF folder zip unzips (fflate) into a folder the
 * Models panel loads back as a ready checkpoint; the runs' CSV and JSON downloads parse with one
 * row per task + average per run; a chart downloads as PNG and SVG with real content (the cosine
 * heatmap as an SVG of its matrix); the FusionBench command of a Task Arithmetic run names the
 * method and its λ.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from '@playwright/test';
import { unzipSync } from 'fflate';
import { expect, test } from './support/test';
import { MergeLab } from './support/merge-lab';

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const wait = page.waitForEvent('download');
  await click();
  const d: Download = await wait;
  return { name: d.suggestedFilename(), bytes: readFileSync(await d.path()) };
}

test('zip, CSV, JSON, PNG, SVG and FusionBench exports of demo runs', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await lab.open();
  await ml.loadDemo();
  await page.getByTestId('eval-limit').selectOption({ label: 'a sample of 50 test images' });
  await ml.chooseMethod('Task Arithmetic');
  await ml.merge();
  const runs = page.getByTestId('runs-panel');
  await expect(runs.getByTestId('runs-row')).toHaveCount(1);

  // The HF folder zip: three files, and the unzipped folder loads back as a ready model card.
  const zip = await downloaded(page, () => page.getByTestId('merge-run').first().getByTestId('download-zip').click());
  expect(zip.name).toMatch(/^merged-task_arithmetic-\d+\.zip$/);
  const entries = unzipSync(new Uint8Array(zip.bytes));
  const folder = zip.name.replace(/\.zip$/, '');
  expect(Object.keys(entries).filter((k) => !k.endsWith('/')).sort()).toEqual([`${folder}/README.md`, `${folder}/config.json`, `${folder}/model.safetensors`]);
  expect(new TextDecoder().decode(entries[`${folder}/README.md`])).toContain('- method: `task_arithmetic`');
  const dir = join(mkdtempSync(join(tmpdir(), 'mergelab-zip-')), folder);
  mkdirSync(dir);
  for (const f of ['config.json', 'model.safetensors']) writeFileSync(join(dir, f), entries[`${folder}/${f}`]);
  await lab.pickFolder(dir);
  await lab.waitLoaded(folder);
  await expect(lab.card(folder)).toHaveAttribute('data-status', 'ready');

  // CSV and JSON of the selected run.
  await runs.getByLabel('Select all runs').check();
  const csv = (await downloaded(page, () => runs.getByTestId('runs-csv').click())).bytes.toString('utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0].split(',')).toEqual(expect.arrayContaining(['run_id', 'task', 'accuracy', 'normalized', 'extra_params', 'peak_tfjs_bytes']));
  expect(lines).toHaveLength(1 + 8 + 1); // header, 8 tasks, average
  expect(lines[9]).toContain(',average,');
  const json = JSON.parse((await downloaded(page, () => runs.getByTestId('runs-json').click())).bytes.toString('utf8'));
  expect(json.format).toBe('mergelab-runs');
  expect(json.runs).toHaveLength(1);
  expect(json.runs[0].stages[0]).toMatchObject({ method: 'task_arithmetic', params: { lambda: 0.3 } });
  expect(json.runs[0].tasks).toHaveLength(8);
  expect(json.runs[0].inputs).toHaveLength(9);

  // A chart as PNG and SVG (the comparison bars of the selected run).
  const compare = runs.getByTestId('runs-compare');
  const png = await downloaded(page, () => compare.getByRole('button', { name: 'Download runs per task as PNG' }).click());
  expect(png.name).toBe('runs_per_task.png');
  expect(png.bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.bytes.length).toBeGreaterThan(5000);
  const svg = (await downloaded(page, () => compare.getByRole('button', { name: 'Download runs per task as SVG' }).click())).bytes.toString('utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
  expect((svg.match(/recharts-rectangle/g) ?? []).length).toBeGreaterThanOrEqual(27); // 9 groups × 3 bars
  expect(svg.includes('var(--'), 'an unresolved custom property').toBe(false);
  const acc = await downloaded(page, () => page.getByTestId('results-panel').getByRole('button', { name: /as SVG$/ }).click());
  expect(acc.bytes.toString('utf8')).toContain('recharts-bar-rectangle');

  // The cosine heatmap (an HTML table in the page) exports as an SVG drawing of its 8 × 8 matrix.
  const analytics = page.getByTestId('analytics-panel');
  await analytics.getByTestId('run-analytics').click();
  await expect(analytics.getByTestId('cosine-cell')).toHaveCount(64, { timeout: 120_000 });
  const cos = (await downloaded(page, () => analytics.getByRole('button', { name: 'Download task-vector cosine similarity as SVG' }).click())).bytes.toString('utf8');
  expect(cos.match(/<rect x=/g)).toHaveLength(64);
  expect(cos).toContain('>1.00</text>');

  // FusionBench: the command of the run, copied by a button.
  await runs.getByRole('button', { name: /^FusionBench config of Task Arithmetic/ }).click();
  await expect(runs.getByTestId('fusionbench-command')).toContainText('method=task_arithmetic');
  await expect(runs.getByTestId('fusionbench-command')).toContainText('method.scaling_factor=0.3');
  await expect(runs.getByTestId('fusionbench-yaml')).toContainText('_target_: fusion_bench.modelpool.CLIPVisionModelPool');
});
