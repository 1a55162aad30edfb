/**
 * A tiny software rasteriser for the zoo's procedural images: an RGB float canvas (values in
 * [0, 1], layout [H, W, 3]) with anti-aliased shape painting (2×2 supersampling of an "inside"
 * predicate), thick polylines, smooth value noise and colour helpers. Coordinates are continuous
 * pixels: (0, 0) is the top-left corner, (size, size) the bottom-right one.
 */
import type { Rng } from '../../src/engine/random';

export type RGB = [number, number, number];
export type Point = [number, number];
export type Inside = (x: number, y: number) => boolean;

const SUB = [0.25, 0.75];

export class Canvas {
  /** [H, W, 3] row-major, values in [0, 1]. */
  readonly data: Float32Array;

  constructor(readonly size: number) {
    this.data = new Float32Array(size * size * 3);
  }

  fill(c: RGB): void {
    for (let i = 0; i < this.data.length; i += 3) this.data.set(c, i);
  }

  /** Sets every pixel from a colour function of its centre (x + 0.5, y + 0.5). */
  shade(f: (x: number, y: number) => RGB): void {
    for (let y = 0; y < this.size; y++) {
      for (let x = 0; x < this.size; x++) this.data.set(f(x + 0.5, y + 0.5), (y * this.size + x) * 3);
    }
  }

  /** Blends `c` over the pixels covered by `inside` (coverage from 4 sub-samples), × alpha. */
  paint(inside: Inside, c: RGB, alpha = 1): void {
    const d = this.data;
    for (let y = 0; y < this.size; y++) {
      for (let x = 0; x < this.size; x++) {
        let hits = 0;
        for (const sy of SUB) for (const sx of SUB) if (inside(x + sx, y + sy)) hits++;
        if (!hits) continue;
        const a = (alpha * hits) / 4;
        const i = (y * this.size + x) * 3;
        for (let k = 0; k < 3; k++) d[i + k] += a * (c[k] - d[i + k]);
      }
    }
  }

  /** Strokes polylines `width` pixels wide (round caps and joins). */
  stroke(lines: readonly Point[][], width: number, c: RGB, alpha = 1): void {
    const r2 = (width / 2) ** 2;
    const segs: number[][] = [];
    for (const l of lines) for (let i = 1; i < l.length; i++) segs.push([...l[i - 1], ...l[i]]);
    this.paint((x, y) => segs.some((s) => segDist2(x, y, s[0], s[1], s[2], s[3]) <= r2), c, alpha);
  }

  /** Adds i.i.d. Gaussian noise of standard deviation `sigma` to every channel. */
  noise(rng: Rng, sigma: number): void {
    for (let i = 0; i < this.data.length; i++) this.data[i] += sigma * rng.normal();
  }

  /** Multiplies brightness by `gain` and adds `bias` (lighting changes). */
  light(gain: number, bias = 0): void {
    for (let i = 0; i < this.data.length; i++) this.data[i] = this.data[i] * gain + bias;
  }

  /** Bytes [H, W, 3], clamped and rounded. */
  toU8(): Uint8Array {
    const out = new Uint8Array(this.data.length);
    for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, this.data[i])) * 255);
    return out;
  }
}

function segDist2(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return (px - ax - t * dx) ** 2 + (py - ay - t * dy) ** 2;
}

// ---- shapes as inside-predicates --------------------------------------------------------------

export const circle = (cx: number, cy: number, r: number): Inside => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
export const ring = (cx: number, cy: number, r: number, w: number): Inside => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) <= w / 2;
export const rect = (x0: number, y0: number, x1: number, y1: number): Inside => (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1;

/** Even–odd point-in-polygon test. */
export function polygon(pts: readonly Point[]): Inside {
  return (x, y) => {
    let inside = false;
    for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
      const [xi, yi] = pts[i];
      const [xj, yj] = pts[j];
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
}

/** Vertices of a regular n-gon of circumradius r, rotated by `rot` radians. */
export function regular(cx: number, cy: number, r: number, n: number, rot = 0): Point[] {
  return Array.from({ length: n }, (_, i) => {
    const a = rot + (2 * Math.PI * i) / n;
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)] as Point;
  });
}

// ---- noise and colour -------------------------------------------------------------------------

/** Smooth value noise in [0, 1] on a `cells`×`cells` lattice spanning the canvas (wraps). */
export function valueNoise(rng: Rng, cells: number, size: number): (x: number, y: number) => number {
  const g = Float32Array.from({ length: cells * cells }, () => rng.next());
  const at = (i: number, j: number) => g[(((j % cells) + cells) % cells) * cells + (((i % cells) + cells) % cells)];
  const s = (t: number) => t * t * (3 - 2 * t);
  return (x, y) => {
    const u = (x / size) * cells;
    const v = (y / size) * cells;
    const i = Math.floor(u);
    const j = Math.floor(v);
    const fu = s(u - i);
    const fv = s(v - j);
    const a = at(i, j) + fu * (at(i + 1, j) - at(i, j));
    const b = at(i, j + 1) + fu * (at(i + 1, j + 1) - at(i, j + 1));
    return a + fv * (b - a);
  };
}

/** HSV (h in [0, 1) turns, s, v in [0, 1]) to RGB. */
export function hsv(h: number, s: number, v: number): RGB {
  const f = (n: number) => {
    const k = (n + h * 6) % 6;
    return v - v * s * Math.max(0, Math.min(k, 4 - k, 1));
  };
  return [f(5), f(3), f(1)];
}

export const mix = (a: RGB, b: RGB, t: number): RGB => [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2])];

/** A colour jittered by ±`amount` per channel. */
export const jitter = (rng: Rng, c: RGB, amount: number): RGB => c.map((v) => v + amount * (2 * rng.next() - 1)) as RGB;

/** Uniform in [a, b). */
export const uniform = (rng: Rng, a: number, b: number): number => a + (b - a) * rng.next();

/** A random fully saturated-ish colour. */
export const randomColour = (rng: Rng): RGB => hsv(rng.next(), uniform(rng, 0.4, 1), uniform(rng, 0.35, 1));
