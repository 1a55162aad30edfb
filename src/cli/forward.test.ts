// `mergelab forward` in-process on both fixtures: the written file reproduces the goldens (1e-4) on
// the backend the CLI picks (WASM in Node), and bad inputs fail with typed errors and no output.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MergelabError } from '../engine/errors';
import { nodeFileSource } from '../engine/io/node-source.node.js';
import { memorySink, openSafetensors, readAll, writeSafetensors } from '../engine/io/safetensors';
import { fixturePath, loadFixtureTensors } from '../engine/testing/fixtures.node';
import { run } from './forward';

const dir = mkdtempSync(join(tmpdir(), 'mergelab-forward-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(['tiny-a', 'tiny-b'])('mergelab forward %s', (name) => {
  it('writes every output of the goldens, F32, within 1e-4', async () => {
    const out = join(dir, `${name}.safetensors`);
    const lines: string[] = [];
    const code = await run([fixturePath(name), fixturePath(name, 'inputs.safetensors'), out, '--batch', '3'], { write: (s: string) => lines.push(s) });
    expect(code).toBe(0);
    expect(lines.join('')).toMatch(/for 4 images .* on wasm/);
    const store = await openSafetensors(await nodeFileSource(out));
    const golden = await loadFixtureTensors(name, 'golden.safetensors');
    expect([...store.tensors.keys()].sort()).toEqual([...golden.keys()].sort());
    const got = await readAll(store);
    for (const [key, g] of golden) {
      const t = got.get(key)!;
      expect(store.tensors.get(key)!.dtype).toBe('F32');
      expect(t.shape, key).toEqual(g.shape);
      let worst = 0;
      for (let i = 0; i < g.values.length; i++) worst = Math.max(worst, Math.abs(t.values[i] - g.values[i]));
      expect(worst, key).toBeLessThan(1e-4);
    }
  });
});

describe('mergelab forward errors', () => {
  it('rejects inputs without pixel_values, or of the wrong size, and leaves no output file', async () => {
    const noPixels = join(dir, 'no-pixels.safetensors');
    const sink = memorySink();
    await writeSafetensors(sink, [{ name: 'images', dtype: 'F32', shape: [1, 3, 48, 48] }], () => new Float32Array(3 * 48 * 48));
    await writeFile(noPixels, sink.bytes());
    const out = join(dir, 'never.safetensors');
    await expect(run([fixturePath('tiny-a'), noPixels, out])).rejects.toThrow(/no "pixel_values" tensor \(it has: images\)/);
    // tiny-b's 48×48 inputs do not fit tiny-a (32×32).
    await expect(run([fixturePath('tiny-a'), fixturePath('tiny-b', 'inputs.safetensors'), out])).rejects.toThrow(/\[4, 3, 48, 48\] but .* needs \[B ≥ 1, 3, 32, 32\]/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  });

  it('reports usage errors with code "usage"', async () => {
    await expect(run(['only-one-path'])).rejects.toMatchObject({ code: 'usage' });
    await expect(run(['a', 'b', 'c', '--batch', '0'])).rejects.toBeInstanceOf(MergelabError);
  });
});
