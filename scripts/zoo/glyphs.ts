/**
 * Stroke glyphs for the zoo: digits 0–9 (the digit tasks), capital letters (pretraining only) and
 * sign symbols, as polylines in a unit box (x right, y down). `drawGlyph` perturbs the control
 * points and applies a random affine map, so every rendering is a new "handwriting".
 */
import type { Rng } from '../../src/engine/random';
import { type Canvas, type Point, type RGB, uniform } from './raster';

export type Glyph = Point[][];

/** Points along an ellipse arc; angles in degrees, 0 = right, 90 = down (y grows downwards). */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number, n = 10): Point[] {
  return Array.from({ length: n + 1 }, (_, i) => {
    const a = ((a0 + ((a1 - a0) * i) / n) * Math.PI) / 180;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)] as Point;
  });
}

export const DIGITS: readonly Glyph[] = [
  [arc(0.5, 0.5, 0.3, 0.42, 0, 360, 16)],
  [[[0.32, 0.26], [0.55, 0.08], [0.55, 0.92]]],
  [[...arc(0.5, 0.32, 0.28, 0.24, 200, 380), [0.18, 0.92], [0.85, 0.92]]],
  [arc(0.5, 0.28, 0.26, 0.2, 200, 450), arc(0.5, 0.7, 0.3, 0.22, 270, 520)],
  [[[0.65, 0.92], [0.65, 0.08], [0.15, 0.65], [0.85, 0.65]]],
  [[[0.78, 0.08], [0.28, 0.08], [0.26, 0.46]], arc(0.5, 0.66, 0.3, 0.26, 220, 520)],
  [[[0.72, 0.1], [0.45, 0.2], [0.27, 0.45], [0.22, 0.68]], arc(0.5, 0.68, 0.28, 0.24, 0, 360, 14)],
  [[[0.15, 0.1], [0.85, 0.1], [0.4, 0.92]]],
  [arc(0.5, 0.28, 0.22, 0.2, 0, 360, 12), arc(0.5, 0.7, 0.28, 0.22, 0, 360, 14)],
  [arc(0.5, 0.32, 0.28, 0.24, 0, 360, 14), [[0.78, 0.32], [0.72, 0.6], [0.45, 0.92]]],
];

const P: Glyph = [[[0.25, 0.92], [0.25, 0.08], [0.6, 0.08]], arc(0.6, 0.3, 0.22, 0.22, -90, 90, 8), [[0.6, 0.52], [0.25, 0.52]]];
const C: Point[] = arc(0.55, 0.5, 0.35, 0.42, -50, -310, 14);

/** Capital letters, used by the pretraining mixture (never by a task). */
export const LETTERS: Readonly<Record<string, Glyph>> = {
  A: [[[0.15, 0.92], [0.5, 0.08], [0.85, 0.92]], [[0.3, 0.6], [0.7, 0.6]]],
  C: [C],
  D: [[[0.45, 0.92], [0.25, 0.92], [0.25, 0.08], [0.45, 0.08]], arc(0.45, 0.5, 0.35, 0.42, -90, 90, 10)],
  E: [[[0.8, 0.08], [0.25, 0.08], [0.25, 0.92], [0.8, 0.92]], [[0.25, 0.5], [0.7, 0.5]]],
  F: [[[0.8, 0.08], [0.25, 0.08], [0.25, 0.92]], [[0.25, 0.5], [0.7, 0.5]]],
  G: [C, [[0.85, 0.62], [0.55, 0.62]]],
  H: [[[0.2, 0.08], [0.2, 0.92]], [[0.8, 0.08], [0.8, 0.92]], [[0.2, 0.5], [0.8, 0.5]]],
  J: [[[0.75, 0.08], [0.75, 0.65]], arc(0.5, 0.65, 0.25, 0.27, 0, 180)],
  K: [[[0.25, 0.08], [0.25, 0.92]], [[0.8, 0.08], [0.25, 0.55]], [[0.4, 0.42], [0.82, 0.92]]],
  L: [[[0.25, 0.08], [0.25, 0.92], [0.8, 0.92]]],
  M: [[[0.12, 0.92], [0.2, 0.08], [0.5, 0.6], [0.8, 0.08], [0.88, 0.92]]],
  N: [[[0.2, 0.92], [0.2, 0.08], [0.8, 0.92], [0.8, 0.08]]],
  P,
  R: [...P, [[0.45, 0.52], [0.82, 0.92]]],
  T: [[[0.12, 0.08], [0.88, 0.08]], [[0.5, 0.08], [0.5, 0.92]]],
  U: [[[0.2, 0.08], ...arc(0.5, 0.62, 0.3, 0.3, 180, 0), [0.8, 0.08]]],
  V: [[[0.15, 0.08], [0.5, 0.92], [0.85, 0.08]]],
  W: [[[0.08, 0.08], [0.28, 0.92], [0.5, 0.4], [0.72, 0.92], [0.92, 0.08]]],
  X: [[[0.15, 0.08], [0.85, 0.92]], [[0.85, 0.08], [0.15, 0.92]]],
  Y: [[[0.15, 0.08], [0.5, 0.5], [0.85, 0.08]], [[0.5, 0.5], [0.5, 0.92]]],
};

/** Sign symbols (GTSRB-like task). */
export const SYMBOLS: Readonly<Record<string, Glyph>> = {
  arrowUp: [[[0.5, 0.9], [0.5, 0.15]], [[0.25, 0.4], [0.5, 0.12], [0.75, 0.4]]],
  arrowLeft: [[[0.9, 0.5], [0.15, 0.5]], [[0.4, 0.25], [0.12, 0.5], [0.4, 0.75]]],
  arrowRight: [[[0.1, 0.5], [0.85, 0.5]], [[0.6, 0.25], [0.88, 0.5], [0.6, 0.75]]],
  bar: [[[0.2, 0.5], [0.8, 0.5]]],
  bang: [[[0.5, 0.15], [0.5, 0.6]], [[0.5, 0.82], [0.5, 0.86]]],
  ring: [arc(0.5, 0.5, 0.3, 0.3, 0, 330, 12)],
};

export interface GlyphStyle {
  /** Box the unit square maps to: centre and size in pixels. */
  cx: number;
  cy: number;
  size: number;
  width: number;
  colour: RGB;
  /** Random rotation range (radians, ±), shear (±), control-point jitter (unit-box units). */
  rotate?: number;
  shear?: number;
  wobble?: number;
  /** Width : height of the glyph box (digits are narrower than tall). */
  aspect?: number;
}

/** Draws a glyph with random handwriting-like perturbations. */
export function drawGlyph(canvas: Canvas, rng: Rng, glyph: Glyph, s: GlyphStyle): void {
  const rot = uniform(rng, -1, 1) * (s.rotate ?? 0);
  const sh = uniform(rng, -1, 1) * (s.shear ?? 0);
  const wob = s.wobble ?? 0;
  const ax = s.aspect ?? 0.75;
  const cos = Math.cos(rot);
  const sin = Math.sin(rot);
  // A smooth random warp (not per-point noise, which would make arcs jagged).
  const [a, b, pa, pb] = [wob * uniform(rng, -1, 1), wob * uniform(rng, -1, 1), uniform(rng, 0, 6.3), uniform(rng, 0, 6.3)];
  const map = ([u, v]: Point): Point => {
    const x = (u - 0.5 + a * Math.sin(3 * v + pa)) * ax + sh * (v - 0.5);
    const y = v - 0.5 + b * Math.sin(3 * u + pb);
    return [s.cx + s.size * (cos * x - sin * y), s.cy + s.size * (sin * x + cos * y)];
  };
  canvas.stroke(glyph.map((line) => line.map(map)), s.width, s.colour);
}
