/**
 * The OPFS input cache in Chromium: a picked suite and a picked model folder are
 * copied into the Origin Private File System; after a reload they are restored from there without
 * picking anything, the merge gives the same table, and the suite's reference features come from
 * the cache (none recomputed); Clear cache empties it and the storage used drops. A quota too
 * small for a folder is reported with free and needed sizes, and the model keeps working. The
 * served demo is not copied, but its reference features are kept: after a reload they are read.
 */
import { expect, test } from './support/test';
import { fixture } from './support/lab-page';
import { MergeLab } from './support/merge-lab';

const SUITE = fixture('suite-tiny');

test('picked folders are cached, restored after a reload without re-picking, and cleared', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  const cache = page.getByTestId('cache-panel');
  const entry = (name: string) => cache.locator(`[data-testid="cache-entry"][data-name="${name}"]`);
  await lab.open();
  await expect(cache.getByTestId('cache-empty')).toBeVisible();

  await ml.pickSuite(SUITE);
  await lab.pickFolder(fixture('tiny-a'));
  await lab.waitLoaded('tiny-a');
  await expect(entry('suite-tiny')).toHaveAttribute('data-kind', 'suite');
  await expect(entry('tiny-a')).toHaveAttribute('data-kind', 'checkpoint');
  await expect(cache.getByTestId('progress')).toHaveCount(0); // copies done

  await ml.chooseMethod('Task Arithmetic');
  await ml.merge();
  const before = await ml.table();
  // Pretrained on 3 tasks + each expert on its own: 6 reference feature sets written to OPFS.
  await expect(cache.getByTestId('cache-features')).toHaveAttribute('data-written', '6');
  await expect(entry('suite-tiny')).toContainText('features');
  const used = Number(await cache.getByTestId('cache-usage').getAttribute('data-usage'));
  expect(used).toBeGreaterThan(2e6); // the 2.1 MB suite folder (tiny-a shares the pretrained model's file)

  await page.reload();
  await expect(lab.backendBadge).not.toHaveText(/starting/, { timeout: 60_000 });
  await expect(ml.suitePanel).toHaveAttribute('data-status', 'idle');
  await expect(cache.getByTestId('cache-entry')).toHaveCount(2);

  await cache.getByTestId('cache-restore').click();
  await expect(ml.suitePanel).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expect(ml.suitePanel.getByTestId('suite-name')).toHaveText('tiny');
  await lab.waitLoaded('tiny-a');
  await expect(lab.card('tiny-a')).toHaveAttribute('data-status', 'ready');
  await expect(cache.getByTestId('cache-entry')).toHaveCount(2); // restored, not copied again

  await ml.chooseMethod('Task Arithmetic');
  await ml.merge();
  expect(await ml.table()).toEqual(before);
  const features = cache.getByTestId('cache-features');
  await expect(features).toHaveAttribute('data-loaded', '6');
  await expect(features).toHaveAttribute('data-written', '0');

  await cache.getByTestId('cache-clear').click();
  await expect(cache.getByTestId('cache-empty')).toBeVisible();
  await expect.poll(async () => Number(await cache.getByTestId('cache-usage').getAttribute('data-usage'))).toBeLessThan(used - 2e6);
});

test('a quota too small for a folder is reported with sizes; the model keeps working from the disk', async ({ lab, page }) => {
  await lab.open();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 100_000 });
  await lab.pickFolder(fixture('tiny-a'));
  await lab.waitLoaded('tiny-a');
  const alert = page.getByTestId('cache-panel').getByRole('alert');
  await expect(alert).toContainText(/Not enough space to cache checkpoint "tiny-a": .* free, .* needed\./);
  await expect(alert).toContainText('keeps working');
  await expect(page.getByTestId('cache-panel').getByTestId('cache-entry')).toHaveCount(0);
  const card = lab.card('tiny-a');
  await expect(card).toHaveAttribute('data-status', 'ready');
  await card.getByRole('button', { name: 'Run forward' }).click();
  await expect(card.getByTestId('forward-result')).toBeVisible({ timeout: 60_000 });
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin });
});

test('the demo is not copied, but its reference features are kept across a reload', async ({ lab, page }) => {
  const ml = new MergeLab(page);
  const cache = page.getByTestId('cache-panel');
  const features = cache.getByTestId('cache-features');
  const mergeOn50 = async () => {
    await ml.loadDemo();
    await page.getByTestId('eval-limit').selectOption({ label: 'a sample of 50 test images' });
    await ml.chooseMethod('Task Arithmetic');
    await ml.merge();
  };
  await lab.open();
  await mergeOn50();
  await expect(features).toHaveAttribute('data-written', '16'); // pretrained on 8 tasks + 8 experts on their own
  const before = await ml.table();
  await expect(cache.getByTestId('cache-entry')).toHaveCount(0); // its files are the app's, not copied

  await page.reload();
  await expect(lab.backendBadge).not.toHaveText(/starting/, { timeout: 60_000 });
  await expect(cache.getByTestId('cache-usage')).toContainText('Features of served suites (the demo)');
  await mergeOn50();
  await expect(features).toHaveAttribute('data-loaded', '16');
  await expect(features).toHaveAttribute('data-written', '0');
  expect(await ml.table()).toEqual(before);
});
