/**
 * Files from the page's inputs: a drop (walking dropped folders with webkitGetAsEntry) or a file
 * input (folder picker paths come from webkitRelativePath). Paths are relative to what was picked,
 * e.g. "tiny-a/model.safetensors", ready for groupFiles.
 */
import type { PickedFile } from '../state/group-files';

export function filesFromInput(list: FileList | null): PickedFile[] {
  return Array.from(list ?? [], (f) => ({ path: f.webkitRelativePath || f.name, blob: f }));
}

/** All entries of a directory (readEntries answers in batches until it returns none). */
async function readAll(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const out: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, out: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\/+/, ''), blob: file });
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry as FileSystemDirectoryEntry)) await walk(child, out);
  }
}

/** Must be called synchronously inside the drop handler (the item list empties afterwards). */
export function filesFromDrop(items: DataTransferItemList): Promise<PickedFile[]> {
  const entries = Array.from(items, (i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  return (async () => {
    const out: PickedFile[] = [];
    for (const e of entries) await walk(e, out);
    return out;
  })();
}
