// `mergelab eval` on the real-family fixture as a user saves it (Save suite): a manifest without
// heads, classes or templates, next to the Hub-style folders. The heads are built from the
// pretrained CLIPModel's text tower with progress on stderr (every prompt of the registry's
// templates for each task's classes), and a sample is scored as "sampled N of M".
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { forgetBuiltHeads } from '../engine/data/suite-heads';
import { findTask } from '../engine/tasks/registry';
import { fixturePath } from '../engine/testing/fixtures.node';
import { run as evalRun } from './eval';

const FAMILY = fixturePath('real-family');
const TASKS = ['eurosat', 'svhn', 'mnist'];
let dir: string;
const sink = () => { let s = ''; return { write: (x: string) => (s += x), text: () => s }; };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mergelab-cli-family-'));
  for (const f of ['clip-vit-base-patch32', ...TASKS.flatMap((t) => [`clip-vit-base-patch32_${t}`, t])]) await symlink(join(FAMILY, f), join(dir, f));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({
    name: 'real-family', image_size: 32, pretrained: 'clip-vit-base-patch32', tasks: TASKS.map((name) => ({ name })),
    experts: Object.fromEntries(TASKS.map((t) => [t, `clip-vit-base-patch32_${t}`])), data: Object.fromEntries(TASKS.map((t) => [t, t])),
  }));
  forgetBuiltHeads();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it('builds the heads from the text tower with progress on stderr, then scores a stratified sample', async () => {
  const out = sink();
  const err = sink();
  expect(await evalRun([dir, '--sample', '10'], out, err)).toBe(0);
  const prompts = TASKS.reduce((s, t) => s + findTask(t)!.classes.length * findTask(t)!.templates.length, 0);
  const lines = err.text().split('\n').filter((l) => l.startsWith('building heads'));
  expect(lines.at(-1)).toBe(`building heads from the text tower: ${prompts}/${prompts} prompts`);
  expect(lines.length).toBeLessThanOrEqual(12); // the first batch, each tenth, the last
  for (const t of TASKS) expect(out.text()).toMatch(new RegExp(`^${t}\\s+sampled 10 of 30\\s`, 'm'));
});
