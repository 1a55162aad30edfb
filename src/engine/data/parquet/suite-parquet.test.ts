/**
 * A suite whose task data are Hugging Face parquet shards (`data/<task>/data/test-0000k-of-00002.parquet`)
 * opens like any other: the same pixels and labels as the same images stored as safetensors, and a
 * bad parquet file fails that task alone.
 */
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snappyLiterals, writeParquet, zstdRaw } from '../../testing/parquet-write.node';
import { DataError } from '../errors';
import { openSuiteDir } from '../suite-dir.node';
import { type TinyTask, randomHead, randomImages, writeTinySuite } from '../tiny-suite.node';

const N = 6;
const task = (i: number): TinyTask => ({
  name: `t${i}`, classes: ['a', 'b', 'c'], expert: `merge/task-${i}`,
  images: randomImages(N, 32, 32, 3, i), shape: [N, 32, 32, 3], labels: Int32Array.from({ length: N }, (_, k) => (k * 2) % 3), form: 'safetensors',
});

describe('suites with parquet data', () => {
  let base: string;
  const tasks = [task(0), task(1)];
  const heads = Object.fromEntries(tasks.map((t, i) => [t.name, randomHead(3, 32, i)]));

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'mergelab-parquet-'));
    await writeTinySuite(join(base, 'st'), tasks, { heads });
    await writeTinySuite(join(base, 'pq'), tasks, { heads });
    for (const t of tasks) {
      const dir = join(base, 'pq', 'data', t.name);
      await rm(dir, { recursive: true });
      await mkdir(join(dir, 'data'), { recursive: true });
      const rows = Array.from({ length: N }, (_, n) => ({
        image: { bytes: encodePng({ width: 32, height: 32, channels: 3, depth: 8, data: t.images.subarray(n * 3072, (n + 1) * 3072) }), path: `${n}.png` },
        label: t.labels[n],
      }));
      const shard = (k: number, groups: typeof rows[], codec: 'SNAPPY' | 'ZSTD') => writeFile(join(dir, 'data', `test-0000${k}-of-00002.parquet`),
        writeParquet({ rowGroups: groups, codec, compress: codec === 'SNAPPY' ? snappyLiterals : zstdRaw }));
      await shard(1, [rows.slice(4)], 'ZSTD');
      await shard(0, [rows.slice(0, 2), rows.slice(2, 4)], 'SNAPPY');
    }
    await writeFile(join(base, 'pq', 'data', 't1', 'data', 'test-00001-of-00002.parquet'), 'broken');
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  it('reads the shards in name order: the same labels and pixels as safetensors', async () => {
    const [st, pq] = await Promise.all([openSuiteDir(join(base, 'st')), openSuiteDir(join(base, 'pq'))]);
    const a = await st.images('t0');
    const b = await pq.images('t0');
    expect(b.source).toBe('data/t0 (2 parquet files)');
    expect([...b.labels]).toEqual([...a.labels]);
    const [pa, pb] = [await a.pixels(1, 5, 32), await b.pixels(1, 5, 32)];
    let worst = 0;
    for (let i = 0; i < pa.length; i++) worst = Math.max(worst, Math.abs(pa[i] - pb[i]));
    expect(worst).toBeLessThan(1e-6);
  });

  it('a broken shard fails its task only, naming the file', async () => {
    const pq = await openSuiteDir(join(base, 'pq'));
    await expect(pq.images('t1')).rejects.toBeInstanceOf(DataError);
    await expect(pq.images('t1')).rejects.toThrow(/test-00001-of-00002\.parquet: is not a readable Parquet file/);
    expect((await pq.images('t0')).count).toBe(N);
  });

  it('finds a task\'s data in the folder the manifest\'s "data" names (a Hub download beside the models), else in data/<task>', async () => {
    const dir = join(base, 'hub');
    await cp(join(base, 'pq'), dir, { recursive: true });
    await rename(join(dir, 'data', 't0'), join(dir, 'tanganke-t0'));
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, data: { t0: 'tanganke-t0/' } }));
    const hub = await openSuiteDir(dir);
    expect((await hub.images('t0')).source).toBe('tanganke-t0 (2 parquet files)');
    await expect(hub.images('t1')).rejects.toThrow(/data\/t1\/data\/test-00001-of-00002\.parquet/);
    await rm(join(dir, 'tanganke-t0'), { recursive: true });
    await expect(openSuiteDir(dir)).rejects.toThrow(/tanganke-t0\/test\.safetensors \(or an ImageFolder tanganke-t0\/test\/<class>\//);
  });
});
