/**
 * A worker that recovers, in Chromium: the engine worker really dies — it closes itself while a
 * merge is being handed to it (the call never returns: only the Web Lock lifeline can tell), or
 * it throws a WebAssembly RuntimeError nothing catches in the middle of a training — and the page
 * says so in plain words, restarts the worker, opens the same picked suite and model folders
 * again (the same File handles), keeps the recorded runs and the settings (task subset, method,
 * parameters, image count, training setup), and a new merge then works. The crash is asked for
 * through the automated-browser-only hook (window.__mergelab.crashEngine), at a moment chosen by
 * the state (a subscription), not by a timer.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/test';
import { fixture } from './support/lab-page';
import { MergeLab } from './support/merge-lab';
import type { DebugCrash } from '../src/browser/client';
import type { LabState } from '../src/state/store';

const KEEP = ['waves', 'scans'];

/** Kills the engine the moment `when` first holds for the lab state (checked on every change). */
async function crashWhen(page: Page, how: DebugCrash, when: 'merging' | 'training') {
  await page.evaluate(({ how, when }) => {
    const lab = (window as unknown as { __mergelab: { subscribe(f: (s: LabState) => void): () => void; crashEngine(how: DebugCrash): void } }).__mergelab;
    const now = (s: LabState) => (when === 'merging' ? s.merge.job.status === 'running' : s.train.job.status === 'running' && (s.train.job.live?.step ?? 0) >= 1);
    const stop = lab.subscribe((s) => { if (now(s)) { stop(); lab.crashEngine(how); } });
  }, { how, when });
}

/** Loads suite-tiny and the model tiny-a from their folders, chooses two tasks and 8 images, and records one TA merge. */
async function setUp(page: Page, lab: import('./support/lab-page').LabPage, ml: MergeLab) {
  await lab.open();
  await ml.pickSuite(fixture('suite-tiny'));
  await expect(ml.suitePanel).toHaveAttribute('data-status', 'ready');
  await lab.pickFolder(fixture('tiny-a'));
  await lab.waitLoaded('tiny-a');
  await page.locator('[data-testid="subset-task"][data-task="folders"]').uncheck();
  await page.getByTestId('eval-limit').selectOption({ label: 'a sample of 50 test images' });
  await ml.chooseMethod('Task Arithmetic');
  await ml.merge();
  await expect(page.getByTestId('runs-row')).toHaveCount(1);
}

/** What must have come back after the restart: suite, model, subset, runs, settings; then a merge works. */
async function expectRestored(page: Page, lab: import('./support/lab-page').LabPage, ml: MergeLab, runsBefore: number) {
  await expect(ml.suitePanel).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('suite-task')).toHaveCount(3);
  await expect(lab.card('tiny-a')).toHaveAttribute('data-status', 'ready');
  for (const t of ['waves', 'folders', 'scans']) {
    const box = page.locator(`[data-testid="subset-task"][data-task="${t}"]`);
    if (KEEP.includes(t)) await expect(box).toBeChecked(); else await expect(box).not.toBeChecked();
  }
  await expect(page.getByTestId('runs-row')).toHaveCount(runsBefore);
  await expect(lab.backendBadge).toHaveAttribute('data-backend', /wasm|webgpu|webgl|cpu/);
}

test('the worker dies while a merge is handed to it: the page says so, restarts it, restores the lab and merges again', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await setUp(page, lab, ml);
  await ml.chooseMethod('TIES-Merging');
  await ml.setParam('k', '30');

  await crashWhen(page, 'close', 'merging');
  await page.getByTestId('run-merge').click();
  const notice = page.getByTestId('engine-crash');
  await expect(notice).toHaveAttribute('data-state', 'recovered');
  await expect(notice).toContainText('The engine stopped: the browser ended it');
  await expect(notice.getByTestId('engine-crash-lost')).toContainText('the merge that was running');
  await expect(notice.getByTestId('engine-crash-recovered')).toContainText('your 1 model and the suite “tiny” opened again');
  await expect(notice).toContainText('recorded runs and your settings are kept');
  await expectRestored(page, lab, ml, 1);
  await expect(page.getByTestId('method')).toHaveValue('ties');
  await expect(page.locator('[data-testid="param-form"] [data-param="k"] input')).toHaveValue('30');
  await expect(page.getByTestId('eval-limit')).toHaveValue('50');

  await ml.merge();
  await expect(page.getByTestId('runs-row')).toHaveCount(2);
  await expect(page.getByTestId('runs-row').nth(1)).toContainText('TIES');
  const rows = await ml.table();
  expect(rows.map((r) => r.task)).toEqual([...KEEP, 'average']);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(notice).toHaveCount(0);
});

test('a WebAssembly abort in the middle of a training: the page restarts the worker and keeps runs and settings', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  await setUp(page, lab, ml);
  await page.getByTestId('train-preset').selectOption('paper');
  await page.getByTestId('train-limit').selectOption({ label: 'a sample of 50 test images' });

  await crashWhen(page, 'abort', 'training');
  await page.getByTestId('train-start').click();
  const notice = page.getByTestId('engine-crash');
  await expect(notice).toHaveAttribute('data-state', 'recovered');
  await expect(notice).toContainText('The engine stopped: its WebAssembly backend aborted (Aborted(a crash the e2e test asked for))');
  await expect(notice.getByTestId('engine-crash-lost')).toContainText(/the training that was running \(step \d+ of \d+/);
  await expect(notice).toContainText('1 result of this session left the accuracy table');
  await expectRestored(page, lab, ml, 1);
  await expect(page.getByTestId('train-preset')).toHaveValue('paper');
  await expect(page.getByTestId('train-limit')).toHaveValue('50');
  await expect(page.getByTestId('train-start')).toBeEnabled();

  await ml.chooseMethod('Weight averaging');
  await ml.merge();
  await expect(page.getByTestId('runs-row')).toHaveCount(2);
});

test('a lost WebGPU device: the page says so and restarts the worker on WebGPU', async ({ lab, page }) => {
  await lab.open('?backend=webgpu');
  await expect(lab.backendBadge).toHaveAttribute('data-backend', 'webgpu');
  await page.evaluate(() => (window as unknown as { __mergelab: { crashEngine(how: DebugCrash): void } }).__mergelab.crashEngine('device-lost'));
  const notice = page.getByTestId('engine-crash');
  await expect(notice).toHaveAttribute('data-state', 'recovered');
  await expect(notice).toContainText('The engine stopped: the graphics device (WebGPU) was lost (destroyed');
  await expect(lab.backendBadge).toHaveAttribute('data-backend', 'webgpu');
});
