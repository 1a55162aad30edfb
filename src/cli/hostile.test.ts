// The CLI on broken and hostile input: every file-system problem is a message + hint (never
// "internal error" with a stack), requests are validated before files are opened, outputs are
// checked before the work and a failed merge leaves an earlier merge as it was.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../engine/testing/fixtures.node';
import { run as inspect } from './inspect';
import { main } from './main';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mergelab-cli-hostile-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const t0 = performance.now();
  const code = await main(argv, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  expect(err).not.toMatch(/internal error|\n\s+at /);
  return { code, out, err, ms: performance.now() - t0 };
}

const pool = (...experts: string[]) => ['--pretrained', fixturePath('tiny-a'), '--experts', ...experts];
const goodPool = pool(fixturePath('merge', 'task-0'), fixturePath('merge', 'task-1'));

describe('mergelab on hostile input', () => {
  it('Object.prototype names are unknown commands', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = await cli(name);
      expect(r.code, name).toBe(2);
      expect(r.err).toContain(`unknown command "${name}"`);
    }
  });

  it('a failed merge (pool mismatch) leaves an earlier merge in --out untouched and no partial file', async () => {
    const out = join(dir, 'merged');
    expect((await cli('merge', '--method', 'average', ...goodPool, '--out', out)).code).toBe(0);
    const before = await Promise.all(['config.json', 'model.safetensors'].map((f) => readFile(join(out, f))));
    const r = await cli('merge', '--method', 'average', ...pool(fixturePath('merge', 'task-0'), fixturePath('tiny-b')), '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/hidden_size|problem/);
    expect((await readdir(out)).sort()).toEqual(['config.json', 'model.safetensors']);
    const after = await Promise.all(['config.json', 'model.safetensors'].map((f) => readFile(join(out, f))));
    expect(after[0].equals(before[0])).toBe(true);
    expect(after[1].equals(before[1])).toBe(true);
    // A mismatch into a new folder creates nothing at all.
    const fresh = join(dir, 'never');
    expect((await cli('merge', '--method', 'average', ...pool(fixturePath('tiny-b')), '--out', fresh)).code).toBe(1);
    await expect(readdir(fresh)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses outputs on special filesystems and under files at once (no hang under /proc)', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    for (const [outDir, re] of [
      ['/proc/mergelab-out', /special filesystem \(\/proc\)/],
      ['/dev/null', /special filesystem \(\/dev/],
      [file, /exists and is not a folder/],
      [join(file, 'sub'), /is a file, not a folder/],
    ] as const) {
      const r = await cli('merge', '--method', 'average', ...goodPool, '--out', outDir);
      expect(r.code, outDir).toBe(1);
      expect(r.err).toMatch(re);
      expect(r.err).toMatch(/\nhint: /);
      expect(r.ms).toBeLessThan(10_000);
    }
  });

  it('missing inputs, devices and folders-for-files are messages with hints', async () => {
    for (const [path, re] of [[join(dir, 'nope'), /nope: does not exist/], ['/dev/null', /neither a file nor a folder/]] as const) {
      let out = '';
      let err = '';
      expect(await inspect([path], { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) })).toBe(1);
      expect(err).toMatch(re);
      expect(err).toMatch(/\nhint: /);
      expect(JSON.parse(out).ok).toBe(false);
    }
    for (const [argv, re] of [
      [['run', join(dir, 'nope.json')], /nope\.json.*: does not exist/],
      [['run', dir], /is a folder, where a file is expected/],
      [['forward', fixturePath('tiny-a'), fixturePath('tiny-a', 'inputs.safetensors'), join(dir, 'missing', 'out.safetensors')], /in a folder that does not exist/],
    ] as const) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(1);
      expect(r.err).toMatch(re);
      expect(r.err).toMatch(/\nhint: /);
    }
  });

  it('run validates the experiment, then --json, before opening the suite', async () => {
    const exp = join(dir, 'exp.json');
    await writeFile(exp, JSON.stringify({ suite: join(dir, 'no-such-suite'), merge: { method: 'task_arithmetic' } }));
    const folder = await cli('run', exp, '--json', dir);
    expect(folder.code).toBe(1);
    expect(folder.err).toMatch(/is a folder, where a file is expected/);
    expect(folder.err).not.toMatch(/suite/);
    const notObject = join(dir, 'array.json');
    await writeFile(notObject, '[1, 2]');
    const arr = await cli('run', notObject);
    expect(arr.code).toBe(2);
    expect(arr.err).toMatch(/not a JSON object/);
    expect(arr.err).not.toMatch(/suite.*(missing|does not exist)/);
    const inf = join(dir, 'inf.json');
    await writeFile(inf, '{"suite": "x", "merge": {"method": "task_arithmetic", "params": {"lambda": 1e999}}}');
    const r = await cli('run', inf);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/lambda = Infinity is not valid/);
  });

  it('eval --json to a folder fails before the evaluation', async () => {
    const r = await cli('eval', join(dir, 'no-such-suite'), '--json', dir);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is a folder, where a file is expected/);
  });

  it('--param takes plain decimals only: 0x1, Infinity and " 1" are refused', async () => {
    await mkdir(join(dir, 'p'), { recursive: true });
    for (const v of ['0x1', 'Infinity', '1e999', ' 1', '0b1', '']) {
      const r = await cli('merge', '--method', 'task_arithmetic', '--param', `lambda=${v}`, ...goodPool, '--out', join(dir, 'p', 'x'));
      expect(r.code, v).toBe(2);
      expect(r.err).toMatch(/lambda = .* is not (a number \(write it in plain decimals|valid)/);
    }
    expect(await readdir(join(dir, 'p'))).toEqual([]);
  });
});
