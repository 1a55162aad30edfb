/**
 * Node only: the files of a folder on disk, following symbolic links to files and folders, as a
 * folder picker in the browser gives them. The Hugging Face cache is made of links
 * (snapshots/<rev>/model.safetensors → ../../blobs/<sha256>), so a walk that skipped links would
 * see an empty model folder. A link that points back into a folder being walked (a loop) and a
 * link whose target is missing are errors naming the link; devices, pipes and sockets are skipped.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { FileAccessError, describeFsError } from './fs-guard.node.js';

/** Folder depth beyond which a walk stops with an error (far beyond any real model or suite tree). */
export const MAX_WALK_DEPTH = 64;

/** A symbolic link that cannot be followed (missing target, loop) or a tree too deep: named by path. */
export class LinkError extends FileAccessError {
  constructor(path: string, problem: string, hint: string) {
    super(path, problem, hint);
    this.name = 'LinkError';
  }
}

export interface WalkedFile {
  /** '/'-separated path relative to the walked folder (through links, as the user sees it). */
  path: string;
  /** The path on disk to read (may be a link; reads follow it). */
  full: string;
}

/** Every file under `dir` (sorted by path); with `recursive: false`, the files directly in it. */
export async function walkFiles(dir: string, opts: { recursive?: boolean } = {}): Promise<WalkedFile[]> {
  const recursive = opts.recursive ?? true;
  const out: WalkedFile[] = [];
  const visit = async (folder: string, ancestors: readonly string[]): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch((e) => Promise.reject(describeFsError(e, folder)));
    for (const e of entries) {
      const full = join(folder, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const st = await stat(full).catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT') throw new LinkError(full, 'is a symbolic link to a file that does not exist.', 'Download the missing file again (in the Hugging Face cache: the blob the link names), or remove the link.');
          if (err.code === 'ELOOP') throw new LinkError(full, 'is a symbolic link that loops (it leads back to itself).', 'Remove the link or point it at a real file or folder.');
          throw describeFsError(err, full);
        });
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isFile) out.push({ path: relative(dir, full).split(sep).join('/'), full });
      else if (isDir && recursive) {
        const real = await realpath(full);
        if (ancestors.includes(real)) {
          throw new LinkError(full, `is a symbolic link to ${real}, a folder that contains it: following it would loop forever.`, 'Remove the link, or point it at a folder outside the one being read.');
        }
        if (ancestors.length >= MAX_WALK_DEPTH) throw new LinkError(full, `is more than ${MAX_WALK_DEPTH} folders deep.`, 'Give a folder with a shallower tree.');
        await visit(full, [...ancestors, real]);
      }
    }
  };
  await visit(dir, [await realpath(dir).catch((e) => Promise.reject(describeFsError(e, dir)))]);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
