/**
 * "landcover" (EuroSAT-like): ten land-cover classes as coloured noise fields — each class has a
 * palette, a noise scale and sometimes a linear structure (road, river, crop rows).
 */
import type { Rng } from '../../../src/engine/random';
import { type Canvas, type RGB, jitter, mix, uniform, valueNoise } from '../raster';
import type { ProceduralTask } from './task';

const S = 32;

interface Cover {
  name: string;
  a: RGB;
  b: RGB;
  /** Noise lattice cells across the image (higher = finer grain). */
  cells: number;
  /** Optional structure: value in [0, 1] blending towards `b` at (x, y) given a random frame. */
  pattern?: (x: number, y: number, p: { k: number; ph: number; cos: number; sin: number }) => number;
}

const along = (x: number, y: number, p: { cos: number; sin: number }) => (x - S / 2) * p.cos + (y - S / 2) * p.sin;
const across = (x: number, y: number, p: { cos: number; sin: number }) => -(x - S / 2) * p.sin + (y - S / 2) * p.cos;

const COVERS: Cover[] = [
  { name: 'annual_crop', a: [0.6, 0.55, 0.35], b: [0.45, 0.5, 0.3], cells: 4, pattern: (x, y, p) => (Math.sin(p.k * 2 * across(x, y, p) + p.ph) > 0 ? 1 : 0) },
  { name: 'forest', a: [0.12, 0.28, 0.15], b: [0.2, 0.38, 0.2], cells: 12 },
  { name: 'herbaceous', a: [0.4, 0.5, 0.3], b: [0.55, 0.55, 0.35], cells: 6 },
  { name: 'highway', a: [0.4, 0.45, 0.35], b: [0.6, 0.6, 0.6], cells: 6, pattern: (x, y, p) => (Math.abs(across(x, y, p)) < 1.5 ? 1 : 0) },
  { name: 'industrial', a: [0.55, 0.55, 0.58], b: [0.75, 0.75, 0.78], cells: 16 },
  { name: 'pasture', a: [0.45, 0.6, 0.3], b: [0.5, 0.65, 0.35], cells: 3 },
  { name: 'permanent_crop', a: [0.4, 0.45, 0.28], b: [0.25, 0.38, 0.2], cells: 5, pattern: (x, y, p) => (Math.sin(p.k * 3 * across(x, y, p)) > 0.3 && Math.sin(p.k * 3 * along(x, y, p)) > 0.3 ? 1 : 0) },
  { name: 'residential', a: [0.5, 0.45, 0.42], b: [0.7, 0.4, 0.35], cells: 14 },
  { name: 'river', a: [0.35, 0.45, 0.3], b: [0.15, 0.25, 0.4], cells: 6, pattern: (x, y, p) => (Math.abs(across(x, y, p) - 4 * Math.sin(0.3 * along(x, y, p) + p.ph)) < 3 ? 1 : 0) },
  { name: 'sea_lake', a: [0.08, 0.18, 0.35], b: [0.12, 0.25, 0.42], cells: 3 },
];

export const landcoverTask: ProceduralTask = {
  kind: 'procedural',
  name: 'landcover',
  mimics: 'EuroSAT (land cover from satellite)',
  classes: COVERS.map((c) => c.name),
  draw(c: Canvas, rng: Rng, label: number) {
    const cov = COVERS[label];
    const a = jitter(rng, cov.a, 0.07);
    const b = jitter(rng, cov.b, 0.07);
    const n = valueNoise(rng, Math.max(2, Math.round(cov.cells * uniform(rng, 0.7, 1.4))), S);
    const ang = uniform(rng, 0, Math.PI);
    const p = { k: uniform(rng, 0.3, 0.6), ph: uniform(rng, 0, 6.3), cos: Math.cos(ang), sin: Math.sin(ang) };
    c.shade((x, y) => {
      const t = cov.pattern ? 0.7 * cov.pattern(x, y, p) + 0.3 * n(x, y) : n(x, y);
      return mix(a, b, t);
    });
    c.light(uniform(rng, 0.8, 1.2), uniform(rng, -0.05, 0.05));
    c.noise(rng, 0.035);
  },
};
