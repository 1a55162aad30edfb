/**
 * Turns picked or dropped files into checkpoints: one per folder that holds a weights file
 * (.safetensors, or a PyTorch pickle .bin/.pt/.pth, read without executing it; a dropped parent
 * folder of several model folders gives one checkpoint per model folder), and one per loose weights file. Anything else is returned as ignored, with the reason, so the
 * page can say so instead of skipping it silently.
 */
import type { EngineFile } from '../worker/api';

/** A file with its path relative to what the user picked, e.g. "tiny-a/model.safetensors". */
export interface PickedFile {
  path: string;
  blob: Blob;
}

export interface FileGroup {
  /** Folder path ("tiny-a", "zoo/task-1") or loose file name ("model.safetensors"). */
  name: string;
  /** Paths relative to the folder. */
  files: EngineFile[];
}

export interface Grouping {
  groups: FileGroup[];
  /** "path: why" for every file that is not part of a checkpoint. */
  ignored: string[];
}

const isWeights = (path: string) => /\.(safetensors|bin|pt|pth)$/i.test(path);

export function groupFiles(picked: readonly PickedFile[]): Grouping {
  const byFolder = new Map<string, EngineFile[]>();
  const groups: FileGroup[] = [];
  const ignored: string[] = [];
  for (const { path, blob } of picked) {
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    const file = parts.pop() ?? '';
    if (parts.length === 0) {
      if (isWeights(file)) groups.push({ name: file, files: [{ path: file, blob }] });
      else ignored.push(`${file}: a loose file that is not .safetensors, .bin, .pt or .pth (pick its whole folder instead)`);
      continue;
    }
    const folder = parts.join('/');
    if (!byFolder.has(folder)) byFolder.set(folder, []);
    byFolder.get(folder)!.push({ path: file, blob });
  }
  for (const [folder, files] of byFolder) {
    if (files.some((f) => isWeights(f.path))) groups.push({ name: folder, files });
    else for (const f of files) ignored.push(`${folder}/${f.path}: its folder has no weights file (.safetensors, .bin, .pt, .pth)`);
  }
  return { groups, ignored };
}
