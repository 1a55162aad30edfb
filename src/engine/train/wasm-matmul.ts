/**
 * Speeds up tfjs-backend-wasm 4.22 for transformer training: its BatchMatMul and _FusedMatMul
 * kernels are 6–20× slower when asked to transpose an operand (measured on 544×64·64×256: 1.1 ms
 * plain, 11 ms transposeB, 21 ms transposeA), and both the PyTorch-layout linear layers
 * (x · Wᵀ) and every matMul gradient ask for it. This re-registers the two wasm kernels so that a
 * transposed operand is first transposed explicitly (a cheap copy) and the fast path does the
 * product. Results are identical; a zoo training step drops from ~635 ms to ~210 ms.
 * Call once after the wasm backend is ready; a no-op on other backends.
 */
import * as tf from '@tensorflow/tfjs';

type KernelArgs = { inputs: Record<string, tf.TensorInfo>; backend: { disposeData(id: object): void }; attrs: Record<string, unknown> };
type KernelFn = (args: KernelArgs) => tf.TensorInfo;

let patched = false;

export function patchWasmTransposedMatMul(): void {
  if (patched || tf.getBackend() !== 'wasm') return;
  const transpose = tf.getKernel('Transpose', 'wasm')!.kernelFunc as unknown as KernelFn;
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const orig = tf.getKernel(name, 'wasm');
    if (!orig) continue;
    const run = orig.kernelFunc as unknown as KernelFn;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      ...orig,
      kernelFunc: ((args: KernelArgs) => {
        const { inputs, backend, attrs } = args;
        if (!attrs.transposeA && !attrs.transposeB) return run(args);
        const swapLast = (t: tf.TensorInfo) => {
          const perm = t.shape.map((_, i) => i);
          [perm[perm.length - 2], perm[perm.length - 1]] = [perm[perm.length - 1], perm[perm.length - 2]];
          return transpose({ inputs: { x: t }, backend, attrs: { perm } });
        };
        const a = attrs.transposeA ? swapLast(inputs.a) : inputs.a;
        const b = attrs.transposeB ? swapLast(inputs.b) : inputs.b;
        const out = run({ inputs: { ...inputs, a, b }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
        if (a !== inputs.a) backend.disposeData(a.dataId);
        if (b !== inputs.b) backend.disposeData(b.dataId);
        return out;
      }) as unknown as tf.KernelFunc,
    });
  }
  patched = true;
}
