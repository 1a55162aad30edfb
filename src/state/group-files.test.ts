import { describe, expect, it } from 'vitest';
import { groupFiles, type PickedFile } from './group-files';

const file = (path: string): PickedFile => ({ path, blob: new Blob([path]) });

describe('groupFiles', () => {
  it('makes one checkpoint per picked folder with paths relative to it', () => {
    const g = groupFiles(['tiny-a/config.json', 'tiny-a/model.safetensors', 'tiny-b/model.safetensors'].map(file));
    expect(g.groups.map((x) => [x.name, x.files.map((f) => f.path)])).toEqual([
      ['tiny-a', ['config.json', 'model.safetensors']],
      ['tiny-b', ['model.safetensors']],
    ]);
    expect(g.ignored).toEqual([]);
  });

  it('splits a dropped parent folder into its model folders and reports files outside them', () => {
    const g = groupFiles(['zoo/README.md', 'zoo/task-1/model.safetensors', 'zoo/task-2/model.safetensors', '/zoo/task-2/config.json'].map(file));
    expect(g.groups.map((x) => [x.name, x.files.length])).toEqual([['zoo/task-1', 1], ['zoo/task-2', 2]]);
    expect(g.ignored).toEqual(['zoo/README.md: its folder has no weights file (.safetensors, .bin, .pt, .pth)']);
  });

  it('makes each loose .safetensors file a checkpoint and reports other loose files', () => {
    const g = groupFiles(['a.safetensors', 'B.SAFETENSORS', 'config.json'].map(file));
    expect(g.groups.map((x) => x.name)).toEqual(['a.safetensors', 'B.SAFETENSORS']);
    expect(g.ignored).toHaveLength(1);
    expect(g.ignored[0]).toMatch(/^config\.json: .*pick its whole folder/);
  });

  it('keeps the blobs it was given', () => {
    const picked = file('m/model.safetensors');
    expect(groupFiles([picked]).groups[0].files[0].blob).toBe(picked.blob);
  });
});
