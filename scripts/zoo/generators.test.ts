// The zoo's data: every task (and the pretraining mixture) draws every class deterministically
// from its seed, class-balanced, with real pixel variation; Fashion-MNIST sampling is balanced and
// seeded (on a small synthetic IDX set, so the test needs no Debian package).
import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/engine/random';
import { batchStream, makeSplit } from './dataset';
import { fakeFashionDir } from './fake-fashion';
import { balancedSample, fashionTask } from './tasks/fashion';
import { zooTasks } from './tasks/index';
import { IMAGE_SIZE } from './tasks/task';
import { worldTask } from './world';

const PX = IMAGE_SIZE * IMAGE_SIZE * 3;

const procedural = [...zooTasks().filter((t) => t.kind === 'procedural'), worldTask];

describe.each(procedural.map((t) => [t.name, t] as const))('task %s', (_name, task) => {
  it('draws every class, balanced, deterministically, with varied pixels', async () => {
    const C = task.classes.length;
    const a = await makeSplit(task, 'train', 2 * C, 5);
    const b = await makeSplit(task, 'train', 2 * C, 5);
    expect(a.images.length).toBe(2 * C * PX);
    expect(Buffer.from(a.images).equals(Buffer.from(b.images))).toBe(true);
    expect([...a.labels].sort((x, y) => x - y)).toEqual([...Array(C).keys()].flatMap((k) => [k, k]));
    const test = await makeSplit(task, 'test', 2 * C, 5);
    expect(Buffer.from(test.images).equals(Buffer.from(a.images))).toBe(false); // train ≠ test stream
    for (let i = 0; i < 2 * C; i++) {
      const img = a.images.subarray(i * PX, (i + 1) * PX);
      const mean = img.reduce((s, v) => s + v, 0) / PX;
      const sd = Math.sqrt(img.reduce((s, v) => s + (v - mean) ** 2, 0) / PX);
      expect(sd, `image ${i} (class ${task.classes[a.labels[i]]}) is flat`).toBeGreaterThan(3);
    }
  });
});

describe('fashion (real data)', () => {
  it('samples a seeded, class-balanced subset, padded to 32×32 RGB with the right labels', async () => {
    const task = fashionTask(await fakeFashionDir());
    const s = await task.sample('train', 20, createRng(1));
    expect(s.images.length).toBe(20 * PX);
    expect([...s.labels].sort((x, y) => x - y)).toEqual([...Array(10).keys()].flatMap((k) => [k, k]));
    for (let i = 0; i < 20; i++) {
      const img = s.images.subarray(i * PX, (i + 1) * PX);
      expect(img[0]).toBe(0); // the 2-pixel border is padding
      expect(img[(16 * 32 + 16) * 3 + 1]).toBe(20 * s.labels[i] + 5); // centre pixel encodes the label
    }
    const again = await task.sample('train', 20, createRng(1));
    expect(Array.from(again.labels)).toEqual(Array.from(s.labels));
  });

  it('names the Debian package when the files are missing', async () => {
    await expect(fashionTask('/nonexistent').sample('test', 10, createRng(1))).rejects.toMatchObject({
      message: expect.stringMatching(/nonexistent\/t10k-images.*missing/), hint: expect.stringMatching(/apt-get install dataset-fashion-mnist/),
    });
  });

  it('balancedSample refuses to sample more than a class holds', () => {
    expect(() => balancedSample([0, 1, 1], 2, 4, createRng(1))).toThrow(/class 0 has only 1/);
  });
});

it('batchStream visits every image once per epoch', () => {
  const n = 10;
  const set = { images: Uint8Array.from({ length: n * PX }, (_, i) => Math.floor(i / PX)), labels: Int32Array.from({ length: n }, (_, i) => i) };
  const next = batchStream(set, 5, createRng(3));
  const seen = [...next().labels, ...next().labels].sort((a, b) => a - b);
  expect(seen).toEqual([...Array(n).keys()]);
  const b = next();
  b.labels.forEach((l, k) => expect(b.images[k * PX]).toBe(l)); // images travel with their labels
});
