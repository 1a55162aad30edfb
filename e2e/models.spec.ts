/**
 * Loading models through the real folder picker: both fixtures listed with the right facts, the
 * pool mismatch between them flagged, and a malformed file shown as a clear error while the
 * other models stay listed. (Default backend; see backend.spec.ts for which one.)
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './support/test';
import { fixture } from './support/lab-page';

test('lists tiny-a and tiny-b with their architecture and flags the pool mismatch', async ({ lab }) => {
  await lab.open();
  await lab.pickFolder(fixture('tiny-a'));
  await lab.pickFolder(fixture('tiny-b'));
  await lab.waitLoaded('tiny-a');
  await lab.waitLoaded('tiny-b');

  const a = lab.card('tiny-a');
  await expect(a).toHaveAttribute('data-status', 'ready');
  await expect(a.getByTestId('ck-params')).toContainText('115,712');
  await expect(a.getByTestId('ck-arch')).toContainText('2 layers × 64 hidden, 4 heads');
  await expect(a.getByTestId('ck-arch')).toContainText('patch 8, image 32, projection 32');
  await expect(a.getByTestId('ck-dtypes')).toHaveText(/^F32 /);
  await expect(a.getByTestId('ck-format')).toContainText('CLIPVisionModelWithProjection');

  const b = lab.card('tiny-b');
  await expect(b).toHaveAttribute('data-status', 'ready');
  await expect(b.getByTestId('ck-params')).toContainText('412,992');
  await expect(b.getByTestId('ck-arch')).toContainText('3 layers × 96 hidden, 3 heads');
  await expect(b.getByTestId('ck-arch')).toContainText('patch 16, image 48, projection 24');
  await expect(b.getByTestId('ck-dtypes')).toHaveText(/^F16 /);

  // tiny-a is the default pretrained model; tiny-b does not match it.
  await expect(a.getByRole('radio', { name: 'pretrained' })).toBeChecked();
  const verdict = lab.page.getByTestId('pool-verdict');
  await expect(verdict).toContainText('Pool mismatch');
  const problems = lab.page.getByTestId('pool-problems').getByRole('listitem');
  expect(await problems.count()).toBeGreaterThan(1);
  await expect(problems.first()).toContainText('tiny-b');
});

test('a truncated safetensors file shows a clear error and the other models stay listed', async ({ lab }) => {
  const dir = mkdtempSync(join(tmpdir(), 'mergelab-e2e-'));
  const broken = join(dir, 'broken');
  mkdirSync(broken);
  copyFileSync(fixture('tiny-a', 'config.json'), join(broken, 'config.json'));
  writeFileSync(join(broken, 'model.safetensors'), readFileSync(fixture('tiny-a', 'model.safetensors')).subarray(0, 4000));

  await lab.open();
  await lab.pickFolder(fixture('tiny-a'));
  await lab.pickFolder(broken);
  await lab.waitLoaded('broken');
  await lab.waitLoaded('tiny-a');

  const card = lab.card('broken');
  await expect(card).toHaveAttribute('data-status', 'error');
  const error = card.getByRole('alert');
  await expect(error).toContainText('broken/model.safetensors');
  await expect(error.locator('.error-hint')).not.toBeEmpty();
  await expect(lab.card('tiny-a')).toHaveAttribute('data-status', 'ready');
  await expect(lab.card('tiny-a').getByTestId('ck-params')).toContainText('115,712');
});
