// walkFiles on a temp folder laid out like the Hugging Face cache (snapshots/<rev>/x →
// ../../blobs/<sha>): linked files and folders are followed and named as the user sees them; a
// loop, a broken link and a missing folder are typed errors naming the path.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileAccessError } from './fs-guard.node';
import { LinkError, walkFiles } from './walk.node';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mergelab-walk-'));
  const repo = join(dir, 'hub', 'models--openai--clip');
  await mkdir(join(repo, 'blobs'), { recursive: true });
  await mkdir(join(repo, 'snapshots', 'abc123'), { recursive: true });
  await writeFile(join(repo, 'blobs', 'aaaa'), '{"model_type": "clip"}');
  await writeFile(join(repo, 'blobs', 'bbbb'), 'weights');
  await symlink('../../blobs/aaaa', join(repo, 'snapshots', 'abc123', 'config.json'));
  await symlink('../../blobs/bbbb', join(repo, 'snapshots', 'abc123', 'model.safetensors'));
  // A suite whose model folder is a link to the snapshot folder.
  await mkdir(join(dir, 'suite', 'models'), { recursive: true });
  await writeFile(join(dir, 'suite', 'manifest.json'), '{}');
  await symlink(join(repo, 'snapshots', 'abc123'), join(dir, 'suite', 'models', 'pretrained'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('walkFiles', () => {
  it('follows linked files and folders, naming files by the path through the links', async () => {
    const files = await walkFiles(join(dir, 'suite'));
    expect(files.map((f) => f.path)).toEqual(['manifest.json', 'models/pretrained/config.json', 'models/pretrained/model.safetensors']);
    expect(files[1].full).toBe(join(dir, 'suite', 'models', 'pretrained', 'config.json'));
  });

  it('lists only the files directly in a folder when not recursive, links included', async () => {
    const snap = join(dir, 'hub', 'models--openai--clip', 'snapshots', 'abc123');
    expect((await walkFiles(snap, { recursive: false })).map((f) => f.path)).toEqual(['config.json', 'model.safetensors']);
    expect((await walkFiles(join(dir, 'suite'), { recursive: false })).map((f) => f.path)).toEqual(['manifest.json']);
  });

  it('refuses a link back into a folder being walked, naming the link', async () => {
    const loop = join(dir, 'loop');
    await mkdir(join(loop, 'a', 'b'), { recursive: true });
    await symlink('../..', join(loop, 'a', 'b', 'up'));
    const e = await walkFiles(loop).catch((x) => x);
    expect(e).toBeInstanceOf(LinkError);
    expect(e.message).toContain(join(loop, 'a', 'b', 'up'));
    expect(e.message).toMatch(/a folder that contains it: following it would loop forever/);
    expect(e.hint).toMatch(/Remove the link/);
  });

  it('refuses a link that points at itself and a link whose target is missing', async () => {
    const self = join(dir, 'self');
    await mkdir(self);
    await symlink('me', join(self, 'me'));
    await expect(walkFiles(self)).rejects.toThrow(/self\/me.*is a symbolic link that loops/);
    const broken = join(dir, 'broken');
    await mkdir(broken);
    await symlink('../../blobs/missing', join(broken, 'model.safetensors'));
    const e = await walkFiles(broken).catch((x) => x);
    expect(e).toBeInstanceOf(LinkError);
    expect(e.message).toMatch(/broken\/model\.safetensors.*is a symbolic link to a file that does not exist/);
  });

  it('reports a missing folder as a file-access error', async () => {
    const e = await walkFiles(join(dir, 'nowhere')).catch((x) => x);
    expect(e).toBeInstanceOf(FileAccessError);
    expect(e.message).toMatch(/nowhere.*does not exist/);
  });
});
