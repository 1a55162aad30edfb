/**
 * Node only: file-system checks made before any work starts, and plain messages for the
 * file-system errors that still happen. Outputs under the kernel's special filesystems (/proc,
 * /sys, /dev) are refused up front: a recursive mkdir under /proc never returns, and a write to a
 * device is not a saved result.
 */
import { realpath, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { MergelabError } from '../errors';
import { quote } from './bounded';

/** A path that cannot be read or written as asked. */
export class FileAccessError extends MergelabError {
  constructor(path: string, problem: string, hint: string) {
    super('file', `${quote(path, 200)}: ${problem}`, hint);
    this.name = 'FileAccessError';
  }
}

const SPECIAL = ['/proc', '/sys', '/dev'];
const isSpecial = (p: string) => SPECIAL.some((s) => p === s || p.startsWith(`${s}${sep}`));

/** What Node's errno codes mean to a user, with what to do. */
const ERRNO: Record<string, [string, string]> = {
  ENOENT: ['does not exist.', 'Check the path (it is relative to the current folder).'],
  ENOTDIR: ['has a part that is a file, not a folder.', 'Check the path: every part but the last must be a folder.'],
  EISDIR: ['is a folder, where a file is expected.', 'Give the path of a file.'],
  EACCES: ['cannot be accessed: permission denied.', 'Check the permissions, or choose another location.'],
  EPERM: ['cannot be accessed: operation not permitted.', 'Check the permissions, or choose another location.'],
  EEXIST: ['already exists and is in the way.', 'Remove it or choose another path.'],
  ENOSPC: ['cannot be written: the disk is full.', 'Free some space or choose another disk.'],
  EROFS: ['is on a read-only filesystem.', 'Choose a writable location.'],
  ELOOP: ['has too many symbolic links.', 'Check the path for a link that points to itself.'],
  ENAMETOOLONG: ['is too long a path.', 'Choose a shorter path.'],
  EMFILE: ['cannot be opened: too many open files.', 'Close other programs or raise the open-file limit (ulimit -n).'],
};

/** A Node system error (it has an errno `code` and usually a `path`). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** Turns a Node system error into a FileAccessError naming the path; anything else is returned unchanged. */
export function describeFsError(e: unknown, path?: string): unknown {
  if (!isSystemError(e)) return e;
  const [problem, hint] = ERRNO[e.code!] ?? [`cannot be used (${e.code}, ${e.syscall}).`, 'Check the path and its permissions.'];
  return new FileAccessError(path ?? e.path ?? '(unknown path)', problem, hint);
}

/** The nearest part of `path` that exists (itself, its folder, …), resolved through links. */
async function nearestExisting(path: string): Promise<{ path: string; isDirectory: boolean; isFile: boolean; exact: boolean }> {
  let p = resolve(path);
  for (let exact = true; ; exact = false) {
    const st = await stat(p).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(describeFsError(e, p))));
    if (st) return { path: await realpath(p), isDirectory: st.isDirectory(), isFile: st.isFile(), exact };
    const up = dirname(p);
    if (up === p) throw new FileAccessError(path, 'has no existing parent folder.', 'Check the path.');
    p = up;
  }
}

/** Checks that `dir` can become an output folder (created if missing) without writing anything. */
export async function checkOutputDir(dir: string): Promise<void> {
  const near = await nearestExisting(dir);
  if (isSpecial(near.path)) throw new FileAccessError(dir, `is on a special filesystem (${near.path}), not a place to save files.`, 'Choose an output folder on a disk, e.g. ./merged.');
  if (near.exact && !near.isDirectory) throw new FileAccessError(dir, 'exists and is not a folder.', 'Give the path of a folder (it is created when missing).');
  if (!near.exact && !near.isDirectory) throw new FileAccessError(dir, `cannot be created: ${quote(near.path, 200)} is a file, not a folder.`, 'Check the path: every part but the last must be a folder.');
}

/** Checks that `file` can be written (its folder exists; it is not a folder or a device) without writing anything. */
export async function checkOutputFile(file: string): Promise<void> {
  const near = await nearestExisting(file);
  if (isSpecial(near.path)) throw new FileAccessError(file, `is on a special filesystem (${near.path}), not a place to save files.`, 'Choose a file on a disk, e.g. ./results.json.');
  if (near.exact && near.isDirectory) throw new FileAccessError(file, 'is a folder, where a file is expected.', 'Give the path of a file, e.g. results.json.');
  if (near.exact && !near.isFile) throw new FileAccessError(file, 'exists and is not a regular file.', 'Give the path of a regular file.');
  if (!near.exact) {
    // The folder itself must exist: no folders are created for a single output file.
    const parent = await stat(dirname(resolve(file))).catch(() => null);
    if (!parent) throw new FileAccessError(file, 'is in a folder that does not exist.', 'Create the folder first, or give a path in an existing folder.');
    if (!parent.isDirectory()) throw new FileAccessError(file, 'is inside a file, not a folder.', 'Check the path: every part but the last must be a folder.');
  }
}
