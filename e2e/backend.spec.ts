/**
 * The automatic backend choice and the backend setting, in the built app: WASM is chosen because
 * the WebGPU adapter is software; the wasm backend reproduces the goldens both cross-origin
 * isolated (threaded build) and not; the setting persists and restarts the worker on the chosen
 * backend, which re-opens the loaded models.
 */
import { expect, test } from './support/test';
import { fixture, type LabPage } from './support/lab-page';
import { PLAIN_URL } from './support/urls';

async function runForward(lab: LabPage, name: string) {
  const card = lab.card(name);
  await card.getByRole('button', { name: 'Run forward' }).click();
  const result = card.getByTestId('forward-result');
  await expect(result).toBeVisible();
  return result;
}

async function expectGoldenPasses(lab: LabPage, name: string, backend: string) {
  const { verdict, rows } = await lab.checkGolden(name);
  expect(verdict).toContain(`on ${backend}`);
  expect(rows.length).toBeGreaterThan(3);
  for (const r of rows) expect(r.diff, `${name} ${r.output} on ${backend}`).toBeLessThanOrEqual(1e-4);
}

test('the default backend is WASM because the WebGPU adapter is software; it runs isolated', async ({ lab, page }) => {
  await lab.open();
  await expect(lab.backendBadge).toHaveText(/^WASM \(\d+ threads?\)/);
  expect(await lab.reasons()).toMatch(/WebGPU adapter ".*" is a software renderer/);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await lab.pickFolder(fixture('tiny-a'));
  await lab.waitLoaded('tiny-a');
  const result = await runForward(lab, 'tiny-a');
  await expect(result).toContainText('on WASM');
  await expect(result.getByRole('row', { name: /last_hidden_state/ })).toContainText('[2, 17, 64]');
  await expect(result.getByRole('row', { name: /image_embeds/ })).toContainText('[2, 32]');
  await expect(result.getByRole('row', { name: /hidden_states\.2/ })).toContainText('[2, 17, 64]');
  await expectGoldenPasses(lab, 'tiny-a', 'WASM');

  await lab.pickFolder(fixture('tiny-b'));
  await lab.waitLoaded('tiny-b');
  await expectGoldenPasses(lab, 'tiny-b', 'WASM');
});

test('without cross-origin isolation WASM runs single-threaded, says why, and is still right', async ({ lab, page }) => {
  await lab.open('', PLAIN_URL);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await expect(lab.backendBadge).toHaveText('WASM (1 thread)');
  expect(await lab.reasons()).toContain('not cross-origin isolated');
  await lab.pickFolder(fixture('tiny-b'));
  await lab.waitLoaded('tiny-b');
  const result = await runForward(lab, 'tiny-b');
  await expect(result.getByRole('row', { name: /image_embeds/ })).toContainText('[2, 24]');
  await expectGoldenPasses(lab, 'tiny-b', 'WASM');
});

test('the backend setting persists and restarts the worker, which re-opens the models', async ({ lab, page }) => {
  await lab.open();
  await lab.pickFolder(fixture('tiny-a'));
  await lab.waitLoaded('tiny-a');
  await page.getByTestId('backend-setting').selectOption('cpu');
  await expect(lab.backendBadge).toHaveText('CPU');
  expect(await lab.reasons()).toContain('cpu was forced');
  await expect(lab.card('tiny-a')).toHaveAttribute('data-status', 'ready');
  const result = await runForward(lab, 'tiny-a');
  await expect(result).toContainText('on CPU');

  await page.reload();
  await expect(lab.backendBadge).toHaveText('CPU');
  await expect(page.getByTestId('backend-setting')).toHaveValue('cpu');
});
