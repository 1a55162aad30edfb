/**
 * Gradient of a loss through the CLIP vision tower with activation recomputation, one section at
 * a time (gradient checkpointing, Chen et al. 2016, arXiv:1604.06174 §3): the forward pass runs
 * without a tape and keeps only each block's input x_l [B, S, D]; the backward pass then
 * recomputes one section (the embeddings, block l, or the pooling head) under tf.grads, takes the
 * gradient of section(x_l), seeded with ∂L/∂x_{l+1}, with respect to x_l, that section's weights and the
 * extra variables, hands the weight gradients to `onGrads` and frees them before the next section.
 *
 * Why: tfjs 4.22's tape keeps every op's saved tensors AND every intermediate gradient until the
 * whole backward pass ends, so a plain tf.grads through ViT-B/32 holds about 2.4× the forward's
 * activations at once (measured with scripts/bench-train/memory.ts: batch 8 peaks at 3.2 GB of
 * tfjs tensors, batch 16 passes the wasm heap's 4 GB and aborts). Here the peak is one section's
 * activations and gradients (~0.5 GB at batch 16) plus the L + 1 block inputs (2.4 MB each), for
 * one extra forward pass of compute. The values are the same ops with the same seeds, so the result
 * equals the one-tape gradient (summation order aside). Where one tape would stay small
 * (recomputes(): under 512 MB, e.g. the demo zoo) it is used instead: recomputation pays only at
 * scale.
 */
import * as tf from '@tensorflow/tfjs';
import type { ClipVisionConfig } from '../model/clip-vit/config';
import { type ForwardHooks, block, pool, tokens } from '../model/clip-vit/forward';

/** Which weights a section uses: canonical name prefixes, in the order the tower runs them. */
export type Section = { kind: 'tokens' } | { kind: 'block'; layer: number } | { kind: 'pool' };

const VM = 'vision_model.';

/** Whether canonical parameter `name` belongs to section `s`. */
export function inSection(name: string, s: Section): boolean {
  if (s.kind === 'tokens') return name.startsWith(`${VM}embeddings.`) || name.startsWith(`${VM}pre_layrnorm.`);
  if (s.kind === 'pool') return name.startsWith(`${VM}post_layernorm.`) || name === 'visual_projection.weight';
  return name.startsWith(`${VM}encoder.layers.${s.layer}.`);
}

export interface TowerGradOptions {
  config: ClipVisionConfig;
  pixels: tf.Tensor4D; // [B, C, H, W]
  /** Names of the section's weights, in the order `weights` returns them. */
  names(s: Section): readonly string[];
  /** The section's weights (built on demand, e.g. merged from λ; disposed by towerGrad after use unless `keepWeights`). */
  weights(s: Section): tf.Tensor[];
  /** True when `weights` returns tensors the caller keeps (frozen weights); towerGrad then never disposes them. */
  keepWeights?: boolean;
  /** Receives the gradient of the section's weights (same order as names) right after its backward; they are disposed after the call. Without it no weight gradient is computed. */
  onGrads?(s: Section, names: readonly string[], grads: tf.Tensor[]): void;
  /** Extra tensors to differentiate (interventions, a head); their gradients are summed over sections. */
  extra?: readonly tf.Tensor[];
  /** Forward hooks from the (differentiated) values of the extra tensors. */
  hooks?(extra: readonly tf.Tensor[]): ForwardHooks;
  /** The scalar loss from the pooled outputs and the extra tensors' values. */
  loss(out: { pooled: tf.Tensor2D; embeds: tf.Tensor2D | null }, extra: readonly tf.Tensor[]): tf.Scalar;
}

/**
 * tfjs's tape: f's value and its gradients with respect to xs (seeded with dy for a non-scalar
 * f); a tensor f does not reach gets undefined (an intervention or head absent from a section)
 * instead of tf.grads's error.
 */
function gradients(f: () => tf.Tensor, xs: tf.Tensor[], dy?: tf.Tensor): { value: tf.Tensor; grads: (tf.Tensor | undefined)[] } {
  return tf.engine().gradients(f, xs, dy, true);
}

/** 'auto': recompute when one tape would hold more than ONE_TAPE_LIMIT; tests force either path. */
export type RecomputeMode = 'auto' | 'always' | 'never';
let mode: RecomputeMode = 'auto';
export function setRecompute(m: RecomputeMode): void {
  mode = m;
}

/** Bytes above which recomputation pays: below it one tape is faster and fits easily. */
export const ONE_TAPE_LIMIT = 512 * 2 ** 20;

/**
 * Whether a backward over `batch` images recomputes (section by section) or keeps one tape.
 * One tape holds about 2.4 × the forward's saved tensors, measured ~13 MB per image per ViT-B/32
 * block = 4 bytes × S × (45·D + 8·M) per image per block; ViT-B/32: 8 images ≈ 2.7 GB (3.2 GB
 * measured), the demo zoo's tower at 32 images ≈ 0.1 GB.
 */
export function recomputes(c: ClipVisionConfig, batch: number): boolean {
  if (mode !== 'auto') return mode === 'always';
  const S = (c.imageSize / c.patchSize) ** 2 + 1;
  return 2.4 * 4 * batch * S * (45 * c.hiddenSize + 8 * c.intermediateSize) * c.numLayers > ONE_TAPE_LIMIT;
}

/** Loss value and the gradients of the extra tensors (caller disposes both). */
export function towerGrad(o: TowerGradOptions): { value: tf.Scalar; extraGrads: tf.Tensor[] } {
  return recomputes(o.config, o.pixels.shape[0]) ? sectionBySection(o) : oneTape(o);
}

/** The same through one tape over the whole tower (small towers: faster, and the memory is small). */
function oneTape(o: TowerGradOptions): { value: tf.Scalar; extraGrads: tf.Tensor[] } {
  const c = o.config;
  const sections: Section[] = [{ kind: 'tokens' }, ...Array.from({ length: c.numLayers }, (_, layer): Section => ({ kind: 'block', layer })), { kind: 'pool' }];
  const extra = o.extra ?? [];
  const ws = sections.map((s) => o.weights(s));
  try {
    const r = tf.tidy(() => {
      const params = new Map(sections.flatMap((s, i) => o.names(s).map((n, k): [string, tf.Tensor] => [n, ws[i][k]])));
      const flat = o.onGrads ? ws.flat() : [];
      const { value, grads } = gradients(() => {
        let x = tokens(params, c, o.pixels);
        for (let l = 0; l < c.numLayers; l++) x = block(params, c, l, x, o.hooks?.(extra));
        return o.loss(pool(params, c, x), extra);
      }, [...flat, ...extra]);
      return { value: value as tf.Scalar, gw: grads.slice(0, flat.length).map((g, k) => g ?? tf.zerosLike(flat[k])), extraGrads: grads.slice(flat.length).map((g, k) => g ?? tf.zerosLike(extra[k])) };
    });
    let at = 0;
    for (const [i, s] of sections.entries()) {
      const gw = r.gw.slice(at, at + (o.onGrads ? ws[i].length : 0));
      at += gw.length;
      try {
        if (o.onGrads) o.onGrads(s, o.names(s), gw);
      } finally {
        tf.dispose(gw);
      }
    }
    return { value: r.value, extraGrads: r.extraGrads };
  } finally {
    if (!o.keepWeights) tf.dispose(ws.flat());
  }
}

function sectionBySection(o: TowerGradOptions): { value: tf.Scalar; extraGrads: tf.Tensor[] } {
  const { config: c } = o;
  const L = c.numLayers;
  const extra = o.extra ?? [];
  const blocks: Section[] = Array.from({ length: L }, (_, layer) => ({ kind: 'block', layer }));
  const sections: Section[] = [{ kind: 'tokens' }, ...blocks, { kind: 'pool' }];
  const map = (s: Section, w: readonly tf.Tensor[]) => new Map(o.names(s).map((n, i) => [n, w[i]]));
  const run = (s: Section, x: tf.Tensor, w: readonly tf.Tensor[], e: readonly tf.Tensor[]): tf.Tensor3D => (s.kind === 'tokens'
    ? tokens(map(s, w), c, x as tf.Tensor4D)
    : block(map(s, w), c, (s as { layer: number }).layer, x as tf.Tensor3D, o.hooks?.(e)));
  const release = (w: tf.Tensor[]) => { if (!o.keepWeights) tf.dispose(w); };
  const inputs: tf.Tensor[] = [o.pixels]; // the input of every section, then the tower's output
  const extraGrads: (tf.Tensor | null)[] = extra.map(() => null);
  const addExtra = (gs: readonly (tf.Tensor | undefined)[]) => gs.forEach((g, k) => {
    if (!g) return; // not connected in this section
    const prev = extraGrads[k];
    extraGrads[k] = tf.keep(prev ? tf.add(prev, g) : g.clone());
    prev?.dispose();
  });
  /** Hands a section's weight gradients to onGrads, then frees them. */
  const give = (s: Section, gw: tf.Tensor[]) => {
    try {
      if (o.onGrads) o.onGrads(s, o.names(s), gw);
    } finally {
      tf.dispose(gw);
    }
  };
  let value: tf.Scalar | null = null;
  try {
    // Forward, no tape: only the section inputs are kept.
    for (const s of sections.slice(0, -1)) {
      const w = o.weights(s);
      inputs.push(tf.tidy(() => run(s, inputs.at(-1)!, w, extra)));
      release(w);
    }
    // The pooling head and the loss: ∂L/∂x_L, the head's weights and the extra tensors.
    let dy: tf.Tensor;
    {
      const s = sections.at(-1)!;
      const w = o.weights(s);
      const nW = o.onGrads ? w.length : 0;
      const r = tf.tidy(() => {
        const x = inputs.at(-1)!;
        const { value, grads } = gradients(() => o.loss(pool(map(s, w), c, x as tf.Tensor3D), extra), [x, ...(o.onGrads ? w : []), ...extra]);
        addExtra(grads.slice(1 + nW));
        return { value: value as tf.Scalar, dy: grads[0]!, gw: grads.slice(1, 1 + nW).map((g, k) => g ?? tf.zerosLike(w[k])) };
      });
      release(w);
      value = r.value;
      dy = r.dy;
      give(s, r.gw);
    }
    // Backward, section by section from the last block down, recomputing each one.
    for (let i = sections.length - 2; i >= 0; i--) {
      const s = sections[i];
      const first = i === 0; // the pixels need no gradient, the embeddings no extra tensor
      if (first && !o.onGrads) break;
      const w = o.weights(s);
      const nW = o.onGrads ? w.length : 0;
      const e = first ? [] : extra;
      const r = tf.tidy(() => {
        const x = inputs[i];
        const { grads } = gradients(() => run(s, x, w, e), [...(first ? [] : [x]), ...(o.onGrads ? w : []), ...e], dy);
        const off = first ? 0 : 1;
        addExtra(grads.slice(off + nW));
        return { dx: first ? undefined : grads[0]!, gw: grads.slice(off, off + nW).map((g, k) => g ?? tf.zerosLike(w[k])) };
      });
      release(w);
      dy.dispose();
      dy = r.dx ?? tf.scalar(0);
      give(s, r.gw);
      inputs.pop()?.dispose(); // section i's output is no longer needed
    }
    dy.dispose();
    return { value: value!, extraGrads: extraGrads.map((g, k) => g ?? tf.zerosLike(extra[k])) };
  } catch (err) {
    tf.dispose([...extraGrads.filter((g): g is tf.Tensor => g !== null), ...(value ? [value] : [])]);
    throw err;
  } finally {
    tf.dispose(inputs.slice(1));
  }
}
