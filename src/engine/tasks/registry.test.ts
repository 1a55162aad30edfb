/**
 * The standard task registry: every task has classes, templates with one "{}", unique class
 * names, the class counts of the datasets, aliases that resolve to it and to no other task, and
 * a Hub dataset; lookups by folder, checkpoint and dataset names.
 */
import { describe, expect, it } from 'vitest';
import { PUBLISHED_TABLES } from './published';
import { PUBLISHED_AVERAGES_8, STANDARD_TASKS, TASKS_14, TASKS_20, TASKS_8, findTask } from './registry';

const COUNTS: Record<string, number> = {
  sun397: 397, stanford_cars: 196, resisc45: 45, eurosat: 10, svhn: 10, gtsrb: 43, mnist: 10, dtd: 47,
  oxford_flowers102: 102, pcam: 2, fer2013: 7, oxford_iiit_pet: 37, stl10: 10, cifar100: 100,
  cifar10: 10, food101: 101, fashion_mnist: 10, emnist_letters: 26, kmnist: 10, rendered_sst2: 2,
};

describe('standard tasks', () => {
  it('are the 8, 14 and 20 tasks of the benchmarks, each once', () => {
    expect(TASKS_8.map((t) => t.name)).toEqual(['sun397', 'stanford_cars', 'resisc45', 'eurosat', 'svhn', 'gtsrb', 'mnist', 'dtd']);
    expect(TASKS_14).toHaveLength(14);
    expect(TASKS_20).toHaveLength(20);
    expect(new Set(STANDARD_TASKS.map((t) => t.name)).size).toBe(20);
    expect(Object.keys(COUNTS).sort()).toEqual(STANDARD_TASKS.map((t) => t.name).sort());
  });

  it.each(STANDARD_TASKS.map((t) => [t.name, t] as const))('%s: classes, templates, source, hub', (name, t) => {
    expect(t.classes).toHaveLength(COUNTS[name]);
    expect(new Set(t.classes).size).toBe(t.classes.length);
    for (const c of t.classes) expect(c.trim()).toBe(c);
    expect(t.templates.length).toBeGreaterThan(0);
    for (const tpl of t.templates) expect(tpl.split('{}')).toHaveLength(2);
    expect(new Set(t.templates).size).toBe(t.templates.length);
    expect(t.source).toMatch(/\.py/);
    expect(t.hub.dataset).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(t.hub.testSize === null || (Number.isInteger(t.hub.testSize) && t.hub.testSize > 0)).toBe(true);
    expect(t.title.length).toBeGreaterThan(0);
  });

  it('aliases are lower case, unique across tasks and resolve to their task', () => {
    const seen = new Map<string, string>();
    for (const t of STANDARD_TASKS) {
      for (const a of [t.name, ...t.aliases]) {
        expect(a).toBe(a.toLowerCase());
        const other = seen.get(a);
        expect(other === undefined || other === t.name, `alias "${a}" of ${t.name} and ${other}`).toBe(true);
        seen.set(a, t.name);
        expect(findTask(a)?.name).toBe(t.name);
      }
      expect(findTask(t.hub.dataset)?.name).toBe(t.name);
    }
  });

  it('finds tasks by folder paths, checkpoint ids and other spellings', () => {
    expect(findTask('sun397')?.title).toBe('SUN397');
    expect(findTask('SUN397')?.name).toBe('sun397');
    expect(findTask('tanganke/sun397')?.name).toBe('sun397');
    expect(findTask('tanganke/clip-vit-base-patch32_sun397')?.name).toBe('sun397');
    expect(findTask('models/clip-vit-large-patch14_stanford_cars/')?.name).toBe('stanford_cars');
    expect(findTask('data\\Stanford-Cars')?.name).toBe('stanford_cars');
    expect(findTask('ufldl-stanford/svhn')?.name).toBe('svhn');
    expect(findTask('ylecun/mnist')?.name).toBe('mnist');
    expect(findTask('EuroSAT')?.name).toBe('eurosat');
    expect(findTask('fashion-mnist')?.name).toBe('fashion_mnist');
    expect(findTask('imagenet')).toBeUndefined();
    expect(findTask('')).toBeUndefined();
  });

  it('spot checks against FusionBench\'s lists', () => {
    const get = (n: string) => findTask(n)!;
    expect(get('sun397').classes.slice(0, 3)).toEqual(['abbey', 'airplane cabin', 'airport terminal']);
    expect(get('sun397').classes[396]).toBe('youth hostel');
    expect(get('stanford_cars').classes[195]).toBe('smart fortwo Convertible 2012');
    expect(get('gtsrb').templates[0]).toBe('a zoomed in photo of a "{}" traffic sign.');
    expect(get('mnist').templates).toEqual(['a photo of the number: "{}".']);
    expect(get('resisc45').templates).toHaveLength(18);
    expect(get('dtd').templates).toHaveLength(8);
    expect(get('cifar100').classes[26]).toBe('cra'); // FusionBench's spelling
  });

  it('publishes the ViT-B/32 averages with a source', () => {
    const avg = Object.fromEntries(PUBLISHED_AVERAGES_8.map((p) => [p.method, p.accuracy]));
    expect(avg).toMatchObject({
      pretrained: 48.2, individual: 90.3, 'Task Arithmetic': 68.0, 'TIES-Merging': 72.2, 'Task-wise AdaMerging': 68.7, 'Layer-wise AdaMerging': 82.6,
    });
    for (const p of PUBLISHED_AVERAGES_8) expect(p.source).toMatch(/FusionBench/);
  });

  it('gives each task its published numbers from both checkpoint sets, never mixed', () => {
    const get = (n: string) => findTask(n)!;
    const mnist = get('mnist').published;
    const pick = (set: string, method: string) => mnist.filter((p) => p.checkpoints === set && p.method === method).map((p) => p.accuracy);
    expect(pick('fusionbench', 'Task Arithmetic')).toEqual([96.1]);
    expect(pick('task_vectors', 'Task Arithmetic')).toEqual([97.3]);
    expect(pick('task_vectors', 'Layer-wise AdaMerging + Surgery')).toEqual([98.8]);
    expect(get('dtd').published.find((p) => p.checkpoints === 'fusionbench' && p.method === 'individual')?.accuracy).toBe(79.7);
    expect(get('pcam').published.map((p) => [p.method, p.accuracy])).toEqual([['pretrained', 60.6], ['individual', 88.0]]);
    expect(get('kmnist').published).toEqual([]);
    for (const t of STANDARD_TASKS) for (const p of t.published) {
      expect(p.accuracy).toBeGreaterThan(0);
      expect(p.accuracy).toBeLessThanOrEqual(100);
      expect(p.source.length).toBeGreaterThan(10);
    }
  });
});

describe('published tables', () => {
  // A transcription check: each printed average is the mean of its row's printed per-task numbers
  // (the sources round each figure to 0.1, so the mean may differ from the printed average by < 0.1).
  it.each(PUBLISHED_TABLES.flatMap((t) => t.rows.filter((r) => r.average !== null).map((r) => [`${t.source}: ${r.method}`, t, r] as const)))(
    '%s: the average is the mean of the tasks', (_name, table, row) => {
      expect(row.accuracies).toHaveLength(table.tasks.length);
      const mean = row.accuracies.reduce((a, b) => a + b, 0) / row.accuracies.length;
      expect(Math.abs(mean - (row.average as number))).toBeLessThan(0.1);
    });

  it('name registry tasks in their columns, each once', () => {
    for (const t of PUBLISHED_TABLES) {
      expect(new Set(t.tasks).size).toBe(t.tasks.length);
      for (const name of t.tasks) expect(findTask(name)?.name).toBe(name);
      for (const r of t.rows) expect(r.accuracies).toHaveLength(t.tasks.length);
    }
  });
});
