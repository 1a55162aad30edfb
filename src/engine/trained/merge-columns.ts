/**
 * Column ranges in which a trainable merge θ(l) = θ0(l) + c·τ(l) ([1, T]·[T, n], coefficients.ts)
 * is computed, so that every matMul and every uploaded [T, k] block of τ fits WebGPU's limits.
 *
 * Why: tfjs-webgpu 4.22 runs a [1, T]·[T, n] product with its packed matMul program once
 * ceil(n / 32) workgroups exceed its few-workgroups threshold (kernels/BatchMatMul_impl.js); that
 * program writes 32 output columns per workgroup along dispatch x and has y and z in its dispatch
 * layout, so the backend's reshapeDispatch cannot fold an x above the device's
 * maxComputeWorkgroupsPerDimension (65,535, WebGPU's default limit) and its assertion throws. The
 * product therefore fails above n = 65,535 × 32 = 2,097,120 columns — ViT-B/32's mlp.fc1 and fc2
 * weights have 768 × 3,072 = 2,359,296 (under tf.profile the error surfaces as "Cannot read
 * properties of undefined (reading 'map')": the backend's async timer swallows it). A storage
 * buffer binding is also limited (maxStorageBufferBindingSize, 128 MiB by default), which a
 * [T, n] block of τ passes from 15 ViT-B/32 tasks on. Each range here has at most 2^20 columns
 * (32,768 workgroups) and a [T, k] float32 block of at most 64 MiB. Splitting by columns leaves
 * every output entry the same dot product over T, so the result equals the unsplit product.
 */

/** Most columns of one merge product: 2^20, half of what tfjs-webgpu's packed matMul can dispatch. */
export const MERGE_COLUMNS = 2 ** 20;
/** Most bytes of one uploaded [T, k] float32 block of task vectors. */
export const MERGE_BLOCK_BYTES = 64 * 2 ** 20;

let forced: number | null = null;
/** Tests: a smaller column limit (null: the default), to check the split against the unsplit sum on small tensors. */
export function setMergeColumns(columns: number | null): void {
  forced = columns;
}

/** Columns per range for T task vectors. */
export function mergeColumns(T: number): number {
  return forced ?? Math.min(MERGE_COLUMNS, Math.floor(MERGE_BLOCK_BYTES / (4 * Math.max(1, T))));
}

/** [from, to) column ranges covering n columns for T task vectors, in order. */
export function columnRanges(n: number, T: number): [number, number][] {
  const k = mergeColumns(T);
  const out: [number, number][] = [];
  for (let a = 0; a < n; a += k) out.push([a, Math.min(n, a + k)]);
  return out.length ? out : [[0, 0]];
}
