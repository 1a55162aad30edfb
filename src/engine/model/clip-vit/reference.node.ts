/**
 * Test support: an independent CLIP ViT vision forward in plain JavaScript (float64 loops, no
 * tfjs), written from Hugging Face's CLIPVisionTransformer, one image at a time. It exists to check
 * the tfjs forward and its hooks from the outside: `editAttentionCls(l, h)` rewrites block l's
 * attention output at the CLS position, attn(LN1 x)[0], before the residual add (where
 * IntervMerge's interventions sit, arXiv 2412.17023 §3).
 */
import type { ClipVisionConfig } from './config';

export type Weights = ReadonlyMap<string, ArrayLike<number>>;

export interface ReferenceOptions {
  /** Block l's attention output at CLS, h [D] → h' [D]. */
  editAttentionCls?: (layer: number, h: number[]) => number[];
}

/** y = W·x + b, W [out, in] row-major. */
function affine(w: ArrayLike<number>, b: ArrayLike<number> | null, x: readonly number[], out: number): number[] {
  const n = x.length;
  return Array.from({ length: out }, (_, o) => {
    let s = b ? b[o] : 0;
    for (let i = 0; i < n; i++) s += w[o * n + i] * x[i];
    return s;
  });
}

function layerNorm(x: readonly number[], g: ArrayLike<number>, b: ArrayLike<number>, eps: number): number[] {
  const mean = x.reduce((a, v) => a + v, 0) / x.length;
  const variance = x.reduce((a, v) => a + (v - mean) ** 2, 0) / x.length;
  return x.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * g[i] + b[i]);
}

const act = (v: number, kind: ClipVisionConfig['hiddenAct']) => (kind === 'quick_gelu' ? v / (1 + Math.exp(-1.702 * v)) : 0.5 * v * (1 + erf(v / Math.SQRT2)));

/** erf by its Maclaurin series (float64-exact for |x| ≤ 3; beyond, erf is ±1 within 2e-5). */
function erf(x: number): number {
  if (Math.abs(x) > 3) return Math.sign(x);
  let sum = x;
  let term = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** One image's pixels [C, H, W] (preprocessed) → pooled [D] and image embedding [P] (null without projection). */
export function referenceForward(w: Weights, c: ClipVisionConfig, pixels: ArrayLike<number>, opts: ReferenceOptions = {}): { pooled: number[]; embeds: number[] | null } {
  const get = (n: string) => {
    const v = w.get(`vision_model.${n}`) ?? w.get(n);
    if (!v) throw new Error(`reference forward: no ${n}`);
    return v;
  };
  const { hiddenSize: D, patchSize: p, imageSize: S0, numChannels: C, numHeads: nh, intermediateSize: M, layerNormEps: eps } = c;
  const g = S0 / p;
  const conv = get('embeddings.patch_embedding.weight'); // [D, C, p, p]
  const cls = get('embeddings.class_embedding');
  const pos = get('embeddings.position_embedding.weight'); // [S, D]
  let x: number[][] = [Array.from({ length: D }, (_, d) => cls[d] + pos[d])];
  for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) {
    const t = x.length;
    x.push(Array.from({ length: D }, (_, d) => {
      let s = pos[t * D + d];
      for (let ch = 0; ch < C; ch++) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) {
        s += conv[((d * C + ch) * p + a) * p + b] * pixels[(ch * S0 + i * p + a) * S0 + j * p + b];
      }
      return s;
    }));
  }
  x = x.map((r) => layerNorm(r, get('pre_layrnorm.weight'), get('pre_layrnorm.bias'), eps));
  const hd = D / nh;
  for (let l = 0; l < c.numLayers; l++) {
    const pre = `encoder.layers.${l}.`;
    const h1 = x.map((r) => layerNorm(r, get(`${pre}layer_norm1.weight`), get(`${pre}layer_norm1.bias`), eps));
    const proj = (n: string) => h1.map((r) => affine(get(`${pre}self_attn.${n}.weight`), get(`${pre}self_attn.${n}.bias`), r, D));
    const q = proj('q_proj');
    const k = proj('k_proj');
    const v = proj('v_proj');
    const ctx = x.map(() => new Array<number>(D).fill(0));
    for (let head = 0; head < nh; head++) {
      for (let s = 0; s < x.length; s++) {
        const scores = x.map((_, u) => {
          let dot = 0;
          for (let e = 0; e < hd; e++) dot += q[s][head * hd + e] * k[u][head * hd + e];
          return dot / Math.sqrt(hd);
        });
        const mx = Math.max(...scores);
        const ex = scores.map((z) => Math.exp(z - mx));
        const sum = ex.reduce((a, b) => a + b, 0);
        for (let u = 0; u < x.length; u++) for (let e = 0; e < hd; e++) ctx[s][head * hd + e] += (ex[u] / sum) * v[u][head * hd + e];
      }
    }
    const attn = ctx.map((r) => affine(get(`${pre}self_attn.out_proj.weight`), get(`${pre}self_attn.out_proj.bias`), r, D));
    if (opts.editAttentionCls) attn[0] = opts.editAttentionCls(l, attn[0]);
    x = x.map((r, s) => r.map((val, d) => val + attn[s][d]));
    x = x.map((r) => {
      const up = affine(get(`${pre}mlp.fc1.weight`), get(`${pre}mlp.fc1.bias`), layerNorm(r, get(`${pre}layer_norm2.weight`), get(`${pre}layer_norm2.bias`), eps), M).map((u) => act(u, c.hiddenAct));
      const down = affine(get(`${pre}mlp.fc2.weight`), get(`${pre}mlp.fc2.bias`), up, D);
      return r.map((val, d) => val + down[d]);
    });
  }
  const pooled = layerNorm(x[0], get('post_layernorm.weight'), get('post_layernorm.bias'), eps);
  const pw = w.get('visual_projection.weight');
  return { pooled, embeds: c.projectionDim === null || !pw ? null : affine(pw, null, pooled, c.projectionDim) };
}
