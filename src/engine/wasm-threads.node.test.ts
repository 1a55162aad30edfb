/** Node's threaded WASM backend (wasm-threads.node.ts), in a child process: the pool really has the threads asked for, and matMul agrees with a float64 product. */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function check(threads: number): { backend: string; threads: number; maxAbsDiff: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/engine/testing/wasm-threads-check.node.ts', String(threads)], { encoding: 'utf8', env: { ...process.env, VITEST: '' }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`child exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

describe('initNodeBackend', () => {
  it('starts 2 WASM threads on any machine (tfjs alone caps them at half the cores) and multiplies correctly', () => {
    const r = check(2);
    expect(r).toMatchObject({ backend: 'wasm', threads: 2 });
    expect(r.maxAbsDiff).toBeLessThan(1e-3); // sums of 300 products of N(0,1) entries, float32 accumulation
  }, 90_000);

  it('keeps the single-threaded build for 1 thread', () => {
    const r = check(1);
    expect(r).toMatchObject({ backend: 'wasm', threads: 1 });
    expect(r.maxAbsDiff).toBeLessThan(1e-3);
  }, 90_000);
});
