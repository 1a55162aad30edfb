/**
 * Memory profile of one forward + backward through the ViT-B/32 vision tower (random weights,
 * random 224² images) in Node on the WASM backend: tf.memory() bytes, the wasm heap size and the
 * process RSS after every block of the forward pass and of the backward pass (sampled from an
 * identity with a custom gradient placed after each block's attention), for each batch size given.
 * Finds where a training step's memory goes (docs/benchmarks.md "Training").
 *
 * --tower: the same gradient by train/tower-grad.ts (one section at a time, recomputed), the weight
 * gradients dropped as each section hands them over.
 *
 *   npx tsx scripts/bench-train/memory.ts [--batch 8,16] [--no-patch] [--wrt weights|input] [--tower]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine/backend';
import { VIT_B_32 } from '../../src/engine/model/clip-vit/config';
import { clipVisionForward } from '../../src/engine/model/clip-vit/forward';
import { canonicalParams } from '../../src/engine/model/clip-vit/names';
import { inSection, towerGrad } from '../../src/engine/train/tower-grad';
import { patchWasmTransposedMatMul } from '../../src/engine/train/wasm-matmul';

const MB = 2 ** 20;
type Row = { at: string; tfMB: number; tensors: number; heapMB: number; rssMB: number };
let last: Row[] = []; // the samples of the run in progress (printed when it fails)

function heapBytes(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return b.wasm?.HEAPU8.length ?? 0;
}

function sample(rows: Row[], at: string): void {
  const m = tf.memory();
  rows.push({ at, tfMB: m.numBytes / MB, tensors: m.numTensors, heapMB: heapBytes() / MB, rssMB: process.memoryUsage().rss / MB });
}

async function profile(B: number, wrt: 'weights' | 'input', tower: boolean): Promise<Row[]> {
  const c = VIT_B_32;
  const rows = (last = [] as Row[]);
  const specs = canonicalParams(c);
  const params = new Map(specs.map((s) => [s.name, tf.tidy(() => s.name.includes('norm') ? tf.ones(s.shape) : tf.randomNormal(s.shape, 0, 0.02, 'float32', 1))]));
  const pixels = tf.randomNormal([B, 3, 224, 224], 0, 1, 'float32', 2) as tf.Tensor4D;
  sample(rows, 'start (weights + pixels)');
  const mark = tf.customGrad(((x: tf.Tensor) => {
    return { value: x.clone(), gradFunc: (dy: tf.Tensor) => { sample(rows, 'backward through a block'); return [dy.clone()]; } };
  }) as never) as (x: tf.Tensor) => tf.Tensor;
  const hooks = { attentionOutput: (l: number, h: tf.Tensor3D) => { sample(rows, `forward: block ${l} start`); return mark(h) as tf.Tensor3D; } };
  const names = specs.map((s) => s.name);
  const loss = (...xs: tf.Tensor[]) => {
    const map = wrt === 'weights' ? new Map(names.map((n, i) => [n, xs[i]])) : params;
    const o = clipVisionForward(map, c, (wrt === 'input' ? xs[0] : pixels) as tf.Tensor4D, { hooks });
    sample(rows, 'forward done');
    return tf.sum(tf.square(o.imageEmbeds!)) as tf.Scalar;
  };
  const t0 = performance.now();
  if (tower) {
    const r = towerGrad({
      config: c, pixels, keepWeights: true, hooks: () => hooks,
      names: (s) => names.filter((n) => inSection(n, s)), weights: (s) => names.filter((n) => inSection(n, s)).map((n) => params.get(n)!),
      onGrads: wrt === 'weights' ? () => sample(rows, 'section gradients handed over') : undefined,
      loss: (o) => { sample(rows, 'forward done'); return tf.sum(tf.square(o.embeds!)) as tf.Scalar; },
    });
    sample(rows, `backward done (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    tf.dispose([r.value, ...r.extraGrads]);
    tf.dispose([...params.values(), pixels]);
    return rows;
  }
  const xs = wrt === 'weights' ? names.map((n) => params.get(n)!) : [pixels];
  const { value, grads } = tf.valueAndGrads(loss)(xs);
  sample(rows, `backward done (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  tf.dispose([value, ...grads]);
  sample(rows, 'gradients disposed');
  tf.dispose([...params.values(), pixels]);
  return rows;
}

const argv = process.argv.slice(2);
const arg = (k: string, d: string) => { const i = argv.indexOf(k); return i >= 0 ? argv[i + 1] : d; };
await initBackend();
if (!argv.includes('--no-patch')) patchWasmTransposedMatMul();
for (const B of arg('--batch', '8,16').split(',').map(Number)) {
  try {
    const rows = await profile(B, arg('--wrt', 'weights') as 'weights' | 'input', argv.includes('--tower'));
    console.log(`\nbatch ${B}: at | tf MB | tensors | wasm heap MB | RSS MB`);
    let prev = 0;
    const peak = rows.reduce((m, r) => ({ tf: Math.max(m.tf, r.tfMB), heap: Math.max(m.heap, r.heapMB), rss: Math.max(m.rss, r.rssMB) }), { tf: 0, heap: 0, rss: 0 });
    console.log(`peak: tf ${peak.tf.toFixed(0)} MB, wasm heap ${peak.heap.toFixed(0)} MB, RSS ${peak.rss.toFixed(0)} MB`);
    for (const r of rows) {
      console.log(`${r.at} | ${r.tfMB.toFixed(0)} (+${(r.tfMB - prev).toFixed(0)}) | ${r.tensors} | ${r.heapMB.toFixed(0)} | ${r.rssMB.toFixed(0)}`);
      prev = r.tfMB;
    }
  } catch (e) {
    console.log(`batch ${B}: failed: ${(e as Error).message}; tf.memory ${(tf.memory().numBytes / MB).toFixed(0)} MB, heap ${(heapBytes() / MB).toFixed(0)} MB; last samples:`);
    for (const r of last.slice(-3)) console.log(`  ${r.at} | ${r.tfMB.toFixed(0)} | ${r.tensors} | ${r.heapMB.toFixed(0)} | ${r.rssMB.toFixed(0)}`);
  }
}
