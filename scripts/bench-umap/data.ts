/**
 * Synthetic features for the UMAP benchmark, seeded: `sets` models' 512-d features of the same
 * images, the images in 40 clusters; set s drifts by s × 0.3 towards the next cluster's centre
 * (an "expert / merged / corrected" triple). Same bytes in Node and in the browser.
 */
import type { FeatureSet } from '../../src/engine/embed/embed';
import { createRng } from '../../src/engine/random';

export function benchFeatures(points: number, sets = 3, dim = 512, seed = 1): FeatureSet[] {
  const n = Math.floor(points / sets);
  const rng = createRng(seed);
  const C = 40;
  const centers = Array.from({ length: C }, () => Float32Array.from({ length: dim }, () => rng.normal()));
  return Array.from({ length: sets }, (_, s) => {
    const z = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const c = centers[i % C], next = centers[(i + 1) % C];
      for (let k = 0; k < dim; k++) z[i * dim + k] = c[k] + 0.6 * rng.normal() + s * 0.3 * next[k];
    }
    return { key: `set${s}`, n, dim, z };
  });
}
