/**
 * Scatter props from the engine's outputs: a SharedLayout (positions of every set, stacked, for
 * the kept images) and the EmbeddingSets it was computed from → one ScatterLayout per set, and
 * per row (kept image) its task, label, each set's prediction and each set's original features,
 * all restricted to layout.images in the same order.
 */
import type { EmbeddingSets, SharedLayout } from '../../worker/api';
import type { PointInfo } from './colors';

export interface ScatterLayout {
  id: string;
  label: string;
  /** [m, 2]; row r is the same image in every layout. */
  positions: Float32Array;
}

/** Layout id → that model's original features z [m, dim] (row r = point r). */
export type FeatureTable = Record<string, { z: Float32Array; dim: number }>;

/** The data props of Scatter. */
export interface ScatterData {
  layouts: ScatterLayout[];
  info: PointInfo;
  features: FeatureTable;
  taskNames: string[];
  classNames: string[][];
}

export function scatterData(e: EmbeddingSets, layout: SharedLayout): ScatterData {
  const m = layout.images.length;
  const pick = (a: Int32Array) => Int32Array.from(layout.images, (i) => a[i]);
  const layouts = layout.sets.map((key, s) => {
    const set = e.sets.find((x) => x.key === key);
    if (!set) throw new RangeError(`scatterData: the layout's set ${key} is not among the embedding sets`);
    return { id: key, label: set.label, positions: layout.positions.subarray(s * m * 2, (s + 1) * m * 2) };
  });
  const features: FeatureTable = {};
  for (const key of layout.sets) {
    const set = e.sets.find((x) => x.key === key)!;
    const z = new Float32Array(m * set.dim);
    layout.images.forEach((img, r) => z.set(set.z.subarray(img * set.dim, (img + 1) * set.dim), r * set.dim));
    features[key] = { z, dim: set.dim };
  }
  return {
    layouts,
    info: { tasks: pick(e.tasks), labels: pick(e.labels), predictions: Object.fromEntries(layout.sets.map((k) => [k, pick(e.predictions[k])])) },
    features,
    taskNames: e.taskNames,
    classNames: e.classNames,
  };
}
