/**
 * `mergelab text` and `mergelab heads` through the command line, on text-a and the open_clip
 * variant: the files they write, read back, against the independent goldens (ids exact, values
 * 1e-4); a task given by name alone takes the registry's classes; bad inputs and a vision-only
 * folder get clear errors.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileSource } from '../engine/io/node-source.node';
import { openSafetensors, readAll } from '../engine/io/safetensors';
import { fixturePath, loadFixtureTensors } from '../engine/testing/fixtures.node';
import { findTask } from '../engine/tasks/registry';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'mergelab-text-'));
const TEXT_A = fixturePath('text-a', 'model');
const OPEN_CLIP = fixturePath('text-variants', 'open-clip-f16');

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}
const readBack = async (path: string) => readAll(await openSafetensors(await nodeFileSource(path)));
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('mergelab text', () => {
  for (const [label, model, golden] of [['text-a', TEXT_A, fixturePath('text-a')], ['open_clip F16', OPEN_CLIP, fixturePath('text-variants', 'open-clip-f16-golden')]]) {
    it(`${label}: text_embeds and pooler_output F32 to 1e-4, --ids exact`, async () => {
      const out = join(dir, `${label}.safetensors`);
      const ids = join(dir, `${label}.ids.json`);
      const r = await cli('text', model, fixturePath('text-a', 'prompts.json'), out, '--ids', ids);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      const tok = JSON.parse(readFileSync(join(golden, 'tokens.json'), 'utf8'));
      expect(JSON.parse(readFileSync(ids, 'utf8'))).toEqual({ input_ids: tok.input_ids });
      const got = await readBack(out);
      const want = await readAll(await openSafetensors(await nodeFileSource(join(golden, 'text-golden.safetensors'))));
      expect([...got.keys()].sort()).toEqual(['pooler_output', 'text_embeds']);
      for (const n of ['text_embeds', 'pooler_output']) {
        expect(got.get(n)!.dtype).toBe('F32');
        expect(got.get(n)!.shape).toEqual(want.get(n)!.shape);
        expect(maxDiff(got.get(n)!.values as Float32Array, want.get(n)!.values as Float32Array)).toBeLessThan(1e-4);
      }
    });
  }

  it('bad prompts files: not JSON, no "prompts", not strings', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"prompts": [');
    let r = await cli('text', TEXT_A, bad, join(dir, 'x.safetensors'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.json is not valid JSON/);
    writeFileSync(bad, '{"texts": ["a"]}');
    r = await cli('text', TEXT_A, bad, join(dir, 'x.safetensors'));
    expect(r.err).toMatch(/"prompts" must be a list of strings, got nothing/);
    writeFileSync(bad, '{"prompts": ["a", 3]}');
    r = await cli('text', TEXT_A, bad, join(dir, 'x.safetensors'));
    expect(r.err).toMatch(/"prompts" must be a list of strings/);
    r = await cli('text', TEXT_A, bad);
    expect(r.code).toBe(2);
  });
});

describe('mergelab heads', () => {
  it('text-a tasks.json: one F32 [C, P] tensor per task, to 1e-4 of the golden heads', async () => {
    const out = join(dir, 'heads.safetensors');
    const r = await cli('heads', TEXT_A, fixturePath('text-a', 'tasks.json'), out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const got = await readBack(out);
    const want = await loadFixtureTensors('text-a', 'heads-golden.safetensors');
    expect([...got.keys()]).toEqual(['fashion', 'digits']);
    for (const [n, g] of want) {
      expect(got.get(n)!.dtype).toBe('F32');
      expect(got.get(n)!.shape).toEqual(g.shape);
      expect(maxDiff(got.get(n)!.values as Float32Array, g.values as Float32Array)).toBeLessThan(1e-4);
    }
  });

  it('a task by name alone takes the registry\'s classes and templates', async () => {
    const mnist = findTask('mnist')!;
    const tasksPath = join(dir, 'by-name.json');
    writeFileSync(tasksPath, JSON.stringify({ tasks: [{ name: 'mnist' }, { name: 'explicit', classes: mnist.classes, templates: mnist.templates }] }));
    const out = join(dir, 'by-name.safetensors');
    expect((await cli('heads', TEXT_A, tasksPath, out)).code).toBe(0);
    const got = await readBack(out);
    expect(got.get('mnist')!.shape).toEqual([mnist.classes.length, 16]);
    expect(maxDiff(got.get('mnist')!.values as Float32Array, got.get('explicit')!.values as Float32Array)).toBe(0);
  });

  it('an unknown task without classes lists the known names; a vision-only folder has no text tower', async () => {
    const tasksPath = join(dir, 'unknown.json');
    writeFileSync(tasksPath, JSON.stringify({ tasks: [{ name: 'my-birds' }] }));
    let r = await cli('heads', TEXT_A, tasksPath, join(dir, 'x.safetensors'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/task "my-birds" lists no classes and is not a standard task/);
    expect(r.err).toMatch(/sun397, stanford_cars|sun397, .*mnist/);
    r = await cli('heads', fixturePath('tiny-a'), fixturePath('text-a', 'tasks.json'), join(dir, 'x.safetensors'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/has no text tower/);
    writeFileSync(tasksPath, JSON.stringify({ tasks: [{ classes: ['a'] }] }));
    r = await cli('heads', TEXT_A, tasksPath, join(dir, 'x.safetensors'));
    expect(r.err).toMatch(/task 0 has no "name"/);
  });
});
