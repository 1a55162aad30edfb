/**
 * A task split stored as safetensors (`data/<task>/<split>.safetensors`): `images` U8 [N,H,W,3]
 * (1 or 4 channels also accepted) and `labels` integer [N]. Labels are read up front; images are
 * read from the file batch by batch, never whole.
 */
import type { ByteSource } from '../io/byte-source';
import { openSafetensors } from '../io/safetensors';
import { DataError } from './errors';
import { type TaskImages, checkLabels, checkRange, preprocessU8 } from './task-images';

const INTEGER_DTYPES = ['I8', 'I16', 'I32', 'I64', 'U8', 'U16', 'U32', 'U64'];
const LAYOUT_HINT = 'Store `images` as U8 [N, H, W, 3] (0–255, RGB) and `labels` as I32 [N] (class indices).';

export async function safetensorsImages(task: string, src: ByteSource, numClasses: number): Promise<TaskImages> {
  const store = await openSafetensors(src);
  const fail = (problem: string) => new DataError(src.name, problem, LAYOUT_HINT);
  const img = store.tensors.get('images');
  const lab = store.tensors.get('labels');
  if (!img || !lab) {
    throw fail(`needs tensors "images" and "labels"; it has ${[...store.tensors.keys()].map((k) => `"${k}"`).join(', ') || 'none'}.`);
  }
  if (img.dtype !== 'U8') throw fail(`"images" is ${img.dtype}; images must be U8 (raw 0–255 pixels, not normalised floats).`);
  const [N, H, W, C] = img.shape;
  if (img.shape.length !== 4 || ![1, 3, 4].includes(C)) throw fail(`"images" has shape [${img.shape}]; it must be [N, H, W, 3].`);
  if (!INTEGER_DTYPES.includes(lab.dtype)) throw fail(`"labels" is ${lab.dtype}; labels must be integers (I32 class indices).`);
  if (lab.shape.length !== 1 || lab.shape[0] !== N) throw fail(`"labels" has shape [${lab.shape}] for ${N} images; it must be [${N}].`);
  if (N === 0) throw fail('has no images.');
  const labels = Int32Array.from((await store.read('labels')).values);
  checkLabels(labels, numClasses, src.name);
  const stride = H * W * C;
  return {
    task,
    source: src.name,
    count: N,
    labels,
    notes: [],
    async pixels(start, n, size, pre) {
      checkRange(start, n, N, src.name);
      const u8 = await src.read(img.offset + start * stride, n * stride);
      return preprocessU8(u8, n, H, W, C as 1 | 3 | 4, size, pre);
    },
  };
}
