/**
 * A contact sheet of the zoo for docs/zoo.md: one row per task, the first test image of each
 * class (up to 12), scaled 2× (nearest neighbour), as a PNG.
 */
import { encode } from 'fast-png';
import { IMAGE_SIZE, type ImageSet } from './tasks/task';

const COLS = 12;
const SCALE = 2;

export function contactSheet(sets: readonly ImageSet[]): Uint8Array {
  const S = IMAGE_SIZE;
  const cell = S * SCALE + 2; // 2-pixel white gutter
  const width = COLS * cell;
  const height = sets.length * cell;
  const out = new Uint8Array(width * height * 3).fill(255);
  sets.forEach((set, row) => {
    const firstOfClass = new Map<number, number>();
    set.labels.forEach((l, i) => { if (!firstOfClass.has(l)) firstOfClass.set(l, i); });
    for (const [label, i] of [...firstOfClass].sort((a, b) => a[0] - b[0]).slice(0, COLS)) {
      for (let y = 0; y < S * SCALE; y++) {
        for (let x = 0; x < S * SCALE; x++) {
          const src = (i * S * S + Math.floor(y / SCALE) * S + Math.floor(x / SCALE)) * 3;
          const dst = ((row * cell + y) * width + label * cell + x) * 3;
          out.set(set.images.subarray(src, src + 3), dst);
        }
      }
    }
  });
  return encode({ width, height, data: out, channels: 3 });
}
