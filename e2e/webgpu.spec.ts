/**
 * WebGPU forced by the URL: the page says it runs WebGPU on a software adapter, and the forward
 * pass in the worker reproduces both fixtures' golden outputs within 1e-4 (read from the page).
 */
import { expect, test } from './support/test';
import { fixture } from './support/lab-page';

test('?backend=webgpu runs the golden check of tiny-a and tiny-b in the worker within 1e-4', async ({ lab }) => {
  await lab.open('?backend=webgpu');
  await expect(lab.backendBadge).toHaveText(/^WebGPU \(software adapter: .*swiftshader/i);
  expect(await lab.reasons()).toContain('webgpu was forced');

  for (const [name, layers] of [['tiny-a', 2], ['tiny-b', 3]] as const) {
    await lab.pickFolder(fixture(name));
    await lab.waitLoaded(name);
    const { verdict, rows } = await lab.checkGolden(name);
    expect(verdict).toContain('All');
    expect(verdict).toContain('on WebGPU');
    const outputs = rows.map((r) => r.output);
    expect(outputs).toEqual([
      'last_hidden_state', 'pooler_output', 'image_embeds',
      ...Array.from({ length: layers + 1 }, (_, i) => `hidden_states.${i}`),
    ]);
    for (const r of rows) {
      expect(r.diff, `${name} ${r.output}`).toBeLessThanOrEqual(1e-4);
      expect(r.verdict).toBe('pass');
    }
  }
});
