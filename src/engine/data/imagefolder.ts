/**
 * ImageFolder (torchvision's layout): one sub-folder per class, named like the class, holding PNG
 * or JPEG files (nested folders allowed). Labels come from the folder names matched against the
 * task's classes. Images are decoded lazily, batch by batch, with the injected ImageDecoder.
 * Order: files sorted by path within each class, then classes interleaved round-robin, so the
 * first N images (a capped evaluation) cover the classes evenly.
 */
import type { ByteSource } from '../io/byte-source';
import { preprocessImage } from '../model/clip-vit/preprocess';
import { DataError } from './errors';
import { type ImageDecoder, isImageFile } from './image-decoder';
import { type TaskImages, checkRange } from './task-images';

export interface FolderFile {
  /** Path relative to the split folder, '/'-separated: "<class>/<name>.png". */
  path: string;
  source: ByteSource;
}

/** Largest image file read (a 24-megapixel PNG is well under it). */
export const MAX_IMAGE_FILE_BYTES = 256 * 2 ** 20;

const LAYOUT_HINT = 'Put the images (PNG or JPEG) in one sub-folder per class, named exactly like the classes in manifest.json.';

/** `root` names the split folder in messages (e.g. "data/mnist/test"). */
export function imageFolderImages(
  task: string,
  root: string,
  files: readonly FolderFile[],
  classes: readonly string[],
  decoder: ImageDecoder,
): TaskImages {
  const notes: string[] = [];
  const byClass = classes.map(() => [] as FolderFile[]);
  const loose: string[] = [];
  const other: string[] = [];
  const unknown = new Set<string>();
  for (const f of files) {
    const slash = f.path.indexOf('/');
    if (!isImageFile(f.path)) other.push(f.path);
    else if (slash < 0) loose.push(f.path);
    else {
      const c = classes.indexOf(f.path.slice(0, slash));
      if (c < 0) unknown.add(f.path.slice(0, slash));
      else byClass[c].push(f);
    }
  }
  if (unknown.size) {
    throw new DataError(root, `has class folders ${[...unknown].sort().map((u) => `"${u}"`).join(', ')} that are not classes of task "${task}" (${classes.map((c) => `"${c}"`).join(', ')}).`, LAYOUT_HINT);
  }
  const list = (xs: string[]) => xs.slice(0, 3).join(', ') + (xs.length > 3 ? `, … (${xs.length} in all)` : '');
  if (loose.length) notes.push(`${root}: ignored ${loose.length} image(s) outside any class folder: ${list(loose)}.`);
  if (other.length) notes.push(`${root}: ignored ${other.length} file(s) that are not PNG/JPEG: ${list(other)}.`);
  for (const b of byClass) b.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  const ordered: { file: FolderFile; label: number }[] = [];
  for (let k = 0; ordered.length < files.length - loose.length - other.length; k++) {
    byClass.forEach((b, c) => { if (k < b.length) ordered.push({ file: b[k], label: c }); });
  }
  if (!ordered.length) {
    throw new DataError(root, `contains no images${files.length ? ` in class folders (${files.length} other file(s))` : ' (the folder is empty)'}.`, LAYOUT_HINT);
  }
  const empty = classes.filter((_, c) => !byClass[c].length);
  if (empty.length) notes.push(`${root}: no images for ${empty.length} class(es): ${list(empty)}.`);

  return {
    task,
    source: root,
    count: ordered.length,
    labels: Int32Array.from(ordered, (o) => o.label),
    notes,
    async pixels(start, n, size, pre) {
      checkRange(start, n, ordered.length, root);
      const per = 3 * size * size;
      const out = new Float32Array(n * per); // [n, 3, size, size]
      for (let i = 0; i < n; i++) {
        const { file } = ordered[start + i];
        const name = `${root}/${file.path}`;
        if (file.source.size > MAX_IMAGE_FILE_BYTES) {
          throw new DataError(name, `is ${file.source.size} bytes, more than the ${MAX_IMAGE_FILE_BYTES} accepted for one image.`, 'Replace or delete the file: test images are small PNG or JPEG files.');
        }
        let img;
        try {
          img = await decoder.decode(await file.source.read(0, file.source.size), name);
        } catch (e) {
          throw new DataError(name, `cannot be decoded as an image (${(e as Error).message}).`, 'Replace or delete the file: ImageFolder images must be valid PNG or JPEG files.');
        }
        if (!(img.width > 0 && img.height > 0)) throw new DataError(name, `decodes to an empty ${img.width}×${img.height} image.`, 'Replace or delete the file.');
        out.set(preprocessImage(img, size, pre), i * per);
      }
      return out;
    },
  };
}
