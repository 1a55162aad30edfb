/**
 * PyTorch pickles in the Models panel: a Hugging Face pytorch_model.bin and a task_vectors-style
 * pickled module tree (classes that cannot be imported) picked as folders, each shown as
 * "PyTorch pickle, read without executing code" with the tensors found and what was ignored, and
 * each reproducing its golden to 1e-4; a hostile pickle is refused by name and the page stays usable.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { op, pickle, storedZip } from '../src/engine/testing/pickle-craft';
import { expect, test } from './support/test';
import { fixture } from './support/lab-page';

test('pytorch_model.bin and a pickled ImageEncoder load, say how they were read and pass the golden check', async ({ lab }) => {
  await lab.open();
  await lab.pickFolder(fixture('pickle', 'tiny-a-bin'));
  await lab.pickFolder(fixture('pickle', 'tiny-a-tree'));
  await lab.waitLoaded('tiny-a-bin');
  await lab.waitLoaded('tiny-a-tree');

  const bin = lab.card('tiny-a-bin');
  await expect(bin).toHaveAttribute('data-status', 'ready');
  await expect(bin).toContainText('PyTorch pickle, read without executing code (zip format, state dict): 40 tensors found');
  await expect(bin.getByTestId('ck-params')).toContainText('115,712');

  const tree = lab.card('tiny-a-tree');
  await expect(tree).toHaveAttribute('data-status', 'ready');
  await expect(tree).toContainText('PyTorch pickle, read without executing code (zip format, pickled src.modeling.ImageEncoder module tree)');
  await expect(tree).toContainText('under "model." (prefix removed)');
  await expect(tree).toContainText('text tower, logit_scale) are ignored');
  await expect(tree.getByTestId('ck-arch')).toContainText('2 layers × 64 hidden, 4 heads');
  await expect(tree.getByTestId('ck-format')).toContainText('open_clip');

  for (const name of ['tiny-a-bin', 'tiny-a-tree']) {
    const { rows } = await lab.checkGolden(name);
    expect(rows.length).toBe(3);
    for (const r of rows) expect(r.diff, `${name} ${r.output}`).toBeLessThanOrEqual(1e-4);
  }
});

test('a hostile pickle is refused naming the global it calls, and the other models stay', async ({ lab }) => {
  const dir = mkdtempSync(join(tmpdir(), 'mergelab-e2e-pickle-'));
  const evil = join(dir, 'evil');
  mkdirSync(evil);
  const pkl = pickle(op.proto(2), op.global('os', 'system'), op.str('touch /tmp/pwned'), op.tuple1, op.reduce, op.stop);
  writeFileSync(join(evil, 'pytorch_model.bin'), storedZip({ 'evil/data.pkl': pkl }));

  await lab.open();
  await lab.pickFolder(fixture('pickle', 'tiny-a-bin'));
  await lab.pickFolder(evil);
  await lab.waitLoaded('evil');
  const error = lab.card('evil').getByRole('alert');
  await expect(error).toContainText('the pickle calls os.system');
  await expect(error).toContainText('nothing was executed');
  await expect(lab.card('tiny-a-bin')).toHaveAttribute('data-status', 'ready');
});
