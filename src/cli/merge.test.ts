// `mergelab merge` in-process on the fixture family: the written folders equal the golden merges.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckpointPath } from '../engine/model/clip-vit/open-checkpoint-path.node';
import { maxAbsDiff, readWeights } from '../engine/merge/test-pool.node';
import { fixturePath } from '../engine/testing/fixtures.node';
import { main } from './main';
import { run } from './merge';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mergelab-cli-merge-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The merge command itself, capturing its stdout (summary) and stderr (progress, notes). */
async function merge(...args: string[]) {
  let out = '';
  let err = '';
  const code = await run(args, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

/** Through the dispatcher: exit codes and error printing. */
async function cli(...argv: string[]) {
  let err = '';
  const code = await main(argv, { write: () => {} }, { write: (s: string) => (err += s) });
  return { code, err };
}

const pool = ['--pretrained', fixturePath('tiny-a'), '--experts', ...[0, 1, 2, 3].map((t) => fixturePath('merge', `task-${t}`))];

describe('mergelab merge', () => {
  for (const [golden, args] of [
    ['merged-average', ['--method', 'average']],
    ['merged-task-arithmetic-0.3', ['--method', 'task_arithmetic']],
    ['merged-ties-0.2-1.0', ['--method', 'ties', '--param', 'aggregate=mean', '--param', 'lambda=1.0']],
  ] as const) {
    it(`${args.join(' ')} writes ${golden}`, async () => {
      const out = join(dir, golden);
      const r = await merge(...args, ...pool, '--out', out);
      expect(r.code, r.err).toBe(0);
      expect((await readdir(out)).sort()).toEqual(['config.json', 'model.safetensors']);
      const summary = JSON.parse(r.out);
      expect(summary.method).toBe(args[1]);
      expect(summary.inputs).toHaveLength(5);
      const merged = await readWeights(await openCheckpointPath(out));
      const want = await readWeights(await openCheckpointPath(fixturePath('merge', golden)));
      expect(maxAbsDiff(merged, want)).toBeLessThanOrEqual(1e-6);
    });
  }

  it('--method consensus --retrieved <n|name> writes that expert\'s θ0 + mt ⊙ Σ τ (worked out here from the files)', async () => {
    const [base, ...experts] = await Promise.all([fixturePath('tiny-a'), ...[0, 1, 2, 3].map((t) => fixturePath('merge', `task-${t}`))].map(async (p) => readWeights(await openCheckpointPath(p))));
    for (const [pick, t] of [['2', 1], ['task-3', 3]] as const) {
      const out = join(dir, `retrieved-${pick}`);
      const r = await merge('--method', 'consensus', '--param', 'lambda_t=0.4', '--retrieved', pick, ...pool, '--out', out);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out).retrieved).toBe(`task-${t}`);
      const got = await readWeights(await openCheckpointPath(out));
      for (const [name, b] of base) {
        const taus = experts.map((e) => e.get(name)!.map((x, j) => x - b[j]));
        got.get(name)!.forEach((v, j) => {
          const sum = taus.reduce((a, tau) => a + tau[j], 0);
          const m = Math.abs(taus[t][j]) > 0.4 * Math.abs(sum - taus[t][j]);
          expect(Math.abs(v - (m ? b[j] + sum : b[j]))).toBeLessThan(1e-5);
        });
      }
    }
    const bad = await cli('merge', '--method', 'ties', '--retrieved', '1', ...pool, '--out', join(dir, 'no-retrieved'));
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/ties has no per-task retrieved models/);
    const unknown = await cli('merge', '--method', 'consensus', '--retrieved', 'nope', ...pool, '--out', join(dir, 'no-retrieved'));
    expect(unknown.err).toMatch(/--retrieved nope: no such expert/);
  });

  it('--method ties alone is k 20, dis-sum, λ 0.3', async () => {
    const r = await merge('--method', 'ties', ...pool, '--out', join(dir, 'ties-default'));
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).params).toEqual({ k: 20, lambda: 0.3, aggregate: 'sum' });
    expect(r.err).toMatch(/^scan pass 1\/3 done: .*\nscan pass 2\/3 done: .*\nmerge pass 3\/3 done: .*\nwritten: [\d.]+ GB read, [\d.]+ s\n$/);
  });

  it('usage errors exit 2 with a hint; bad checkpoints exit 1 naming the path', async () => {
    const noOut = await cli('merge', '--method', 'ties', ...pool);
    expect(noOut.code).toBe(2);
    expect(noOut.err).toMatch(/missing --out/);
    const badParam = await cli('merge', '--method', 'ties', '--param', 'k=0', ...pool, '--out', join(dir, 'x'));
    expect(badParam.code).toBe(2);
    expect(badParam.err).toMatch(/ties: k = 0 is not valid\.\nhint: k: a number from 1 to 100/);
    const badMethod = await cli('merge', '--method', 'soup', ...pool, '--out', join(dir, 'x'));
    expect(badMethod.err).toMatch(/unknown merge method "soup"[\s\S]*average, task_arithmetic, ties, dare, consensus/);
    const missing = await cli('merge', '--method', 'average', '--pretrained', fixturePath('tiny-a'), '--experts', join(dir, 'nope'), '--out', join(dir, 'y'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope: does not exist/);
  });
});
