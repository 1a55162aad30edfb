/**
 * TaskImages over a Parquet split: labels read once from the label column, images read row group
 * by row group as batches ask for them, decoded with the injected ImageDecoder (PNG/JPEG) and
 * CLIP-preprocessed one by one. An image that does not decode is a DataError naming the file and
 * the row.
 */
import { preprocessImage } from '../../model/clip-vit/preprocess';
import { DataError } from '../errors';
import type { ImageDecoder } from '../image-decoder';
import { type TaskImages, checkLabels, checkRange } from '../task-images';
import type { ParquetSplit } from './split';

export async function parquetImages(task: string, split: ParquetSplit, numClasses: number, decoder: ImageDecoder): Promise<TaskImages> {
  if (!split.count) throw new DataError(split.source, 'has no rows.', 'Add at least one labelled image for the task.');
  const labels = await split.labels();
  checkLabels(labels, numClasses, split.source);
  return {
    task,
    source: split.source,
    count: split.count,
    labels,
    notes: split.notes,
    async pixels(start, n, size, pre) {
      checkRange(start, n, split.count, split.source);
      const per = 3 * size * size;
      const out = new Float32Array(n * per);
      const rows = await split.imageBytes(start, n);
      for (let i = 0; i < rows.length; i++) {
        const { bytes, file, row } = rows[i];
        let img;
        try {
          img = await decoder.decode(bytes, `${file} row ${row}`);
        } catch (e) {
          throw new DataError(file, `row ${row}: the image could not be decoded (${String((e as Error)?.message ?? e).slice(0, 160)}).`,
            'Images must be PNG or JPEG bytes: replace or drop that row, or download the file again.');
        }
        out.set(preprocessImage(img, size, pre), i * per);
      }
      return out;
    },
  };
}
