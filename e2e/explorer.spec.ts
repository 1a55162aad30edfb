/**
 * The bias explorer on the demo zoo: merge TA, train Surgery on it (quick, a sample of 50 images), and
 * the explorer picks both by default; the bias table under the line chart has the three models
 * with the corrected model's final-layer (z) bias below TA's; the UMAP renders on the canvas with
 * a legend, and hovering a point shows its thumbnail, true label and every model's prediction;
 * the keyboard steps through the points and lists neighbours; side by side shows two scatters.
 */
import { expect, test } from './support/test';
import { MergeLab } from './support/merge-lab';

test('explorer: bias per layer and the UMAP after TA + Surgery', async ({ lab, page }) => {
  test.setTimeout(150_000);
  const ml = new MergeLab(page);
  await lab.open();
  const panel = page.getByTestId('explorer-panel');
  await expect(panel.getByTestId('explorer-empty')).toContainText('Load a suite');
  await ml.loadDemo();
  await expect(panel.getByTestId('explorer-empty')).toContainText('Merge first');
  await ml.chooseMethod('Task Arithmetic');
  await page.getByTestId('eval-limit').selectOption({ label: 'a sample of 50 test images' });
  await ml.merge();
  await expect(panel.getByTestId('explorer-no-correction')).toContainText('Train a correction');
  await page.getByTestId('train-limit').selectOption({ label: 'a sample of 50 test images' });
  await page.locator('[data-testid="train-correction-form"] [data-param="iterations"] input').fill('15'); // quick's 50 are more than the check needs
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-run')).toHaveCount(1, { timeout: 120_000 });

  await expect(panel.getByTestId('explorer-base')).toHaveValue((await ml.runKeys())[0]);
  await expect(panel.getByTestId('explorer-corrected').locator('option:checked')).toContainText('Representation Surgery');
  await panel.getByTestId('explorer-limit').selectOption('50');
  await panel.getByTestId('explorer-measure').click();
  const rows = panel.getByTestId('bias-row');
  await expect(rows).toHaveCount(3, { timeout: 60_000 });
  const models = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-model')!));
  expect(models[0]).toBe('Pretrained');
  expect(models[1]).toMatch(/^Task Arithmetic/);
  expect(models[2]).toMatch(/Representation Surgery/);
  const z = async (i: number) => Number(await rows.nth(i).locator('td[data-layer="z"]').innerText());
  expect(await z(2)).toBeLessThan(await z(1));
  await expect(panel.getByTestId('bias-lines').locator('path.recharts-line-curve')).toHaveCount(3);
  await expect(panel.getByTestId('bias-heatmap')).toHaveCount(3);

  await panel.getByTestId('explorer-budget').selectOption('1000');
  await panel.getByTestId('explorer-umap').click();
  const canvas = panel.getByTestId('scatter-canvas');
  await expect(canvas).toBeVisible({ timeout: 60_000 });
  await expect(panel.locator('.legend li')).toHaveCount(8);
  const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < d.length; i += 16) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return colours.size;
  });
  expect(painted).toBeGreaterThan(8); // the background, lines and eight task colours at least

  // Hover: find a drawn point (a 3×3 square in a legend colour) on the canvas and move the mouse
  // onto it. React paints the tip after the mouse event, so wait for it; the poll finds the point
  // anew in case the layout was still animating when the pixels were read.
  const box = (await canvas.boundingBox())!;
  const tip = panel.getByTestId('scatter-tip');
  await expect.poll(async () => {
    const at = await canvas.evaluate((c: HTMLCanvasElement, legend: string[]) => {
      const rgb = (s: string) => (s.match(/\d+/g) ?? []).slice(0, 3).map(Number);
      const colours = new Set(legend.map((s) => rgb(s).join(',')));
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const key = (x: number, y: number) => { const i = 4 * (y * c.width + x); return `${d[i]},${d[i + 1]},${d[i + 2]}`; };
      for (let y = 1; y < c.height - 1; y++) {
        for (let x = 1; x < c.width - 1; x++) {
          const k = key(x, y);
          if (colours.has(k) && key(x - 1, y) === k && key(x + 1, y) === k && key(x, y - 1) === k && key(x, y + 1) === k) {
            return [(x + 0.5) / c.width, (y + 0.5) / c.height];
          }
        }
      }
      return null;
    }, await panel.locator('.legend li i').evaluateAll((is) => is.map((i) => getComputedStyle(i).backgroundColor)));
    if (!at) return false;
    await page.mouse.move(box.x + at[0] * box.width, box.y + at[1] * box.height);
    return tip.isVisible();
  }, { timeout: 15_000 }).toBe(true);
  await expect(tip).toContainText('true:');
  await expect(tip).toContainText(/Experts: .+[✓✗]/);
  await expect(tip).toContainText(/Task Arithmetic.*: .+[✓✗]/);
  await expect(tip).toContainText(/Surgery.*: .+[✓✗]/);
  await expect(tip.locator('img')).toHaveAttribute('src', /^data:image\/png/);

  await page.mouse.move(0, 0);
  await expect(tip).toBeHidden();
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await expect(tip).toContainText('true:');
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('scatter-neighbours').locator('li')).toHaveCount(8);
  await panel.getByTestId('umap-pair').check();
  await expect(panel.getByTestId('scatter-canvas')).toHaveCount(2);
});
