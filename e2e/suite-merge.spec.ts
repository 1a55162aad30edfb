/**
 * A suite picked through the real folder input (e2e/fixtures/suite-tiny: safetensors, ImageFolder
 * and IDX data), merged with Task Arithmetic and TIES in the page: the table equals what the
 * engine computes in Node for the same suite (the CLI's eval, WASM backend, run by the spec). Then
 * the downloaded model.safetensors, a pool merge without a suite, a mismatched pool and a broken
 * suite, each shown as a clear error while the page stays usable.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/test';
import { fixture } from './support/lab-page';
import { MergeLab } from './support/merge-lab';

const SUITE = fixture('suite-tiny');

interface CliScore { accuracy: number; normalized: number | null }
interface CliReport {
  tasks: Record<string, { images: number; pretrained: CliScore; individual: { accuracy: number }; merged: CliScore }>;
  average: { pretrained: CliScore; individual: { accuracy: number }; merged: CliScore };
}

/** The engine in Node: `mergelab eval <suite> --method <id> --json`. */
function engineEval(method: string, params: string[] = []): CliReport {
  const dir = mkdtempSync(join(tmpdir(), 'mergelab-e2e-eval-'));
  try {
    const out = join(dir, 'eval.json');
    execFileSync('npx', ['tsx', 'src/cli/main.ts', 'eval', SUITE, '--method', method, ...params.flatMap((p) => ['--param', p]), '--json', out], { stdio: 'pipe' });
    return JSON.parse(readFileSync(out, 'utf8')) as CliReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (v: number | null) => (v === null ? '—' : v.toFixed(1));

test('merges a picked suite with TA and TIES; the table equals the engine in Node', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await lab.open();
  await ml.pickSuite(SUITE);
  await expect(ml.suitePanel.getByTestId('suite-name')).toHaveText('tiny');
  await expect(ml.suitePanel.getByTestId('suite-pool')).toContainText('3 experts');
  for (const t of ['waves', 'folders', 'scans']) await expect(ml.task(t).getByTestId('task-images')).toHaveText('24');
  await expect(ml.task('folders')).toContainText('data/folders/test'); // the ImageFolder, decoded in the worker
  await expect(ml.task('folders').getByRole('img').first()).toBeVisible();

  await ml.chooseMethod('Task Arithmetic');
  await ml.merge();
  await ml.chooseMethod('TIES-Merging');
  await ml.merge();
  const [ta, ties] = await ml.runKeys();
  const rows = await ml.table();
  const expected = { [ta]: engineEval('task_arithmetic'), [ties]: engineEval('ties') };
  expect(rows.map((r) => r.task)).toEqual(['waves', 'folders', 'scans', 'average']);
  for (const row of rows) {
    for (const [key, rep] of Object.entries(expected)) {
      const want = row.task === 'average' ? rep.average : rep.tasks[row.task];
      expect(row.cells.pretrained, `${row.task} pretrained`).toEqual({ acc: pct(want.pretrained.accuracy), norm: pct(want.pretrained.normalized) });
      expect(row.cells.individual.acc, `${row.task} individual`).toBe(pct(want.individual.accuracy));
      expect(row.cells[key], `${row.task} ${key}`).toEqual({ acc: pct(want.merged.accuracy), norm: pct(want.merged.normalized) });
    }
  }
  await expect(ml.results.getByTestId('accuracy-chart').locator('svg').first()).toBeVisible();

  // Task-vector analytics of the suite: a 3 × 3 heatmap with 1.00 on the diagonal, norms and conflict bars.
  await page.getByTestId('run-analytics').click();
  const heat = page.getByTestId('cosine-heatmap');
  await expect(heat.getByTestId('cosine-cell')).toHaveCount(9);
  await expect(heat.locator('tbody tr').nth(1).getByTestId('cosine-cell').nth(1)).toHaveText('1.00');
  await expect(page.getByTestId('conflict-bars').locator('.recharts-bar-rectangle')).toHaveCount(4); // embeddings, 2 layers, head

  // The TIES merge downloads as an HF folder whose safetensors header records method and parameters.
  const download = page.waitForEvent('download');
  await page.locator(`[data-testid="merge-run"][data-run="${ties}"]`).getByTestId('download-model').click();
  const file = await (await download).path();
  const bytes = readFileSync(file);
  const header = JSON.parse(bytes.subarray(8, 8 + Number(bytes.readBigUInt64LE(0))).toString('utf8'));
  expect(header.__metadata__['mergelab.method']).toBe('ties');
  expect(JSON.parse(header.__metadata__['mergelab.params'])).toEqual({ k: 20, lambda: 0.3, aggregate: 'sum' });
});

test('a pool of loaded models merges without a suite; a copy of the pretrained model is noted, a mismatched pool refused by name', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  const dir = mkdtempSync(join(tmpdir(), 'mergelab-e2e-pool-'));
  const same = join(dir, 'same-as-pretrained');
  cpSync(fixture('tiny-a'), same, { recursive: true });
  await lab.open();
  await lab.pickFolder(fixture('tiny-a'));
  await lab.pickFolder(fixture('merge', 'task-0'));
  await lab.pickFolder(same);
  await lab.waitLoaded('task-0');
  await lab.waitLoaded('same-as-pretrained');
  await expect(ml.mergePanel.getByTestId('merge-pool')).toContainText('tiny-a + 2 experts');
  await ml.chooseMethod('Weight averaging');
  await ml.merge();
  await expect(page.getByTestId('merge-notes')).toContainText('"same-as-pretrained" is identical to the pretrained model');
  rmSync(dir, { recursive: true, force: true });
  await expect(page.getByTestId('results-panel')).toHaveCount(0); // no suite, no table
  const download = page.waitForEvent('download');
  await page.getByTestId('download-config').click();
  expect(JSON.parse(readFileSync(await (await download).path(), 'utf8')).hidden_size).toBe(64);

  // The form is generated from the schema: fields, help, ranges, and defaults that follow other fields.
  await ml.chooseMethod('DARE');
  const form = page.getByTestId('param-form');
  await expect(form.locator('[data-param]')).toHaveCount(7);
  const lambda = form.locator('[data-param="lambda"] input');
  await expect(lambda).toHaveValue('0.3');
  await ml.setParam('base', 'ties');
  await expect(lambda).toHaveValue('0.5'); // DARE on TIES defaults to λ 0.5
  await expect(form.locator('[data-param="lambda"]')).toContainText('0.5 when base = ties');
  await ml.setParam('lambda', '5');
  await expect(ml.mergePanel.getByRole('alert')).toContainText('lambda = 5');
  await expect(page.getByTestId('run-merge')).toBeDisabled();
  await page.getByRole('button', { name: 'reset to defaults' }).click();
  await expect(lambda).toHaveValue('0.3');
  await ml.chooseMethod('Weight averaging');

  await lab.pickFolder(fixture('tiny-b'));
  await lab.waitLoaded('tiny-b');
  const error = await ml.failingMerge();
  await expect(error).toContainText('tiny-b');
  await expect(error.locator('.error-hint')).not.toBeEmpty();
  await expect(page.getByTestId('merge-run')).toHaveCount(1);
});

test('a broken suite shows what is wrong and which file; a good one loads after it', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  const dir = mkdtempSync(join(tmpdir(), 'mergelab-e2e-suite-'));
  try {
    const bad = join(dir, 'bad-heads');
    cpSync(SUITE, bad, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(bad, 'manifest.json'), 'utf8'));
    manifest.tasks[0].classes.push('tsunami');
    writeFileSync(join(bad, 'manifest.json'), JSON.stringify(manifest));
    const empty = join(dir, 'bad-images');
    cpSync(SUITE, empty, { recursive: true });
    for (const c of ['red', 'green', 'blue', 'grey']) writeFileSync(join(empty, 'data/folders/test', c, 'img000.png'), 'not an image');

    const emptied = join(dir, 'empty-folder');
    cpSync(SUITE, emptied, { recursive: true });
    for (const c of ['red', 'green', 'blue', 'grey']) {
      rmSync(join(emptied, 'data/folders/test', c), { recursive: true });
      mkdirSync(join(emptied, 'data/folders/test', c));
    }
    const nan = join(dir, 'nan-weights');
    cpSync(SUITE, nan, { recursive: true });
    const model = readFileSync(join(nan, 'models/scans/model.safetensors'));
    model.writeFloatLE(Number.POSITIVE_INFINITY, 8 + Number(model.readBigUInt64LE(0)) + 64); // a value of the first tensor
    writeFileSync(join(nan, 'models/scans/model.safetensors'), model);

    await lab.open();
    await lab.pickFolder(fixture('tiny-a')); // a model in the Models panel: it must survive every failure below
    await lab.waitLoaded('tiny-a');
    await ml.pickSuite(nan);
    await expect(ml.suitePanel.getByTestId('suite-name')).toHaveText('tiny');
    const inf = await ml.failingMerge();
    await expect(inf).toContainText('models/scans');
    await expect(inf).toContainText('Infinity');

    await ml.pickSuite(emptied); // class folders without images: the task has no test data
    await expect(ml.suitePanel.getByRole('alert')).toContainText('data/folders/test');
    await expect(ml.suitePanel.getByRole('alert')).toContainText('missing');

    await ml.pickSuite(bad);
    const alert = ml.suitePanel.getByRole('alert');
    await expect(alert).toContainText('bad-heads/heads.safetensors');
    await expect(alert).toContainText('the manifest lists 4 classes');
    await expect(alert.locator('.error-hint')).not.toBeEmpty();

    await ml.pickSuite(empty);
    await expect(ml.task('folders').getByRole('alert')).toContainText('data/folders/test/');
    await expect(ml.suitePanel.getByTestId('suite-problems')).toBeVisible();
    await expect(ml.task('waves').getByRole('alert')).toHaveCount(0);
    await ml.merge(); // merging needs no data; its evaluation says what to fix
    await expect(ml.mergePanel.getByRole('alert')).toContainText('folders');
    await expect(ml.mergePanel.getByRole('alert')).toContainText('Evaluation failed');

    await ml.pickSuite(SUITE);
    await expect(ml.suitePanel.getByTestId('suite-name')).toHaveText('tiny');
    await expect(ml.suitePanel.getByRole('alert')).toHaveCount(0);
    await expect(lab.card('tiny-a')).toHaveAttribute('data-status', 'ready');
    await expect(lab.card('tiny-a').getByTestId('ck-params')).toContainText('115,712');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
