/**
 * A shared suite with hostile names (HTML and script in the suite, task and class names, a
 * spreadsheet formula as a class) loads, merges and shows every name as plain text: nothing is
 * injected into the page and nothing runs. Every request the page makes stays on this machine.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySink, openSafetensors, readAll, writeSafetensors, type WriteDtype } from '../src/engine/io/safetensors';
import { memorySource } from '../src/engine/io/byte-source';
import { fixture } from './support/lab-page';
import { MergeLab } from './support/merge-lab';
import { expect, test } from './support/test';
import { ISOLATED_URL } from './support/urls';

const SUITE_NAME = '"><img src=x onerror="window.__xss=1">';
const TASK = '<img src=x onerror=window.__xss=2>';
const CLASSES = ['<svg onload=window.__xss=3>', '=HYPERLINK("http://example.com","x")', '<script>window.__xss=4</script>'];

/** suite-tiny with its "waves" task, its classes and the suite renamed (data folder, expert, head tensor). */
async function hostileSuite(): Promise<string> {
  const dir = join(mkdtempSync(join(tmpdir(), 'mergelab-hostile-')), 'suite');
  cpSync(fixture('suite-tiny'), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.name = SUITE_NAME;
  manifest.tasks[0] = { name: TASK, classes: CLASSES };
  manifest.experts = { [TASK]: manifest.experts.waves, folders: manifest.experts.folders, scans: manifest.experts.scans };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  renameSync(join(dir, 'data', 'waves'), join(dir, 'data', TASK));
  const heads = await readAll(await openSafetensors(memorySource(new Uint8Array(readFileSync(join(dir, 'heads.safetensors'))), 'heads')));
  const renamed = [...heads].map(([n, t]) => [n === 'waves' ? TASK : n, t] as const);
  const sink = memorySink();
  await writeSafetensors(sink, renamed.map(([n, t]) => ({ name: n, dtype: t.dtype as WriteDtype, shape: t.shape })), (_, i) => renamed[i][1].values);
  writeFileSync(join(dir, 'heads.safetensors'), sink.bytes());
  return dir;
}

test('hostile suite, task and class names are shown as text; nothing runs; no request leaves the machine', async ({ lab, page }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  const dir = await hostileSuite();
  try {
    const ml = new MergeLab(page);
    await lab.open();
    await ml.pickSuite(dir);
    await expect(ml.suitePanel.getByTestId('suite-name')).toHaveText(SUITE_NAME);
    const card = page.locator('[data-testid="suite-task"]').first();
    await expect(card).toContainText(TASK);
    for (const c of CLASSES) await expect(card).toContainText(c);
    await ml.chooseMethod('Task Arithmetic');
    await ml.merge();
    const rows = await ml.table();
    expect(rows.map((r) => r.task)).toEqual([TASK, 'folders', 'scans', 'average']);

    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[onerror], svg[onload], script:not([src])').count()).toBe(0);
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true });
  }
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.filter((u) => !u.startsWith(`${ISOLATED_URL}/`) && !/^(data|blob):/.test(u))).toEqual([]);
});
