/**
 * "textures" (DTD-like): ten texture families in two random colours, at a random orientation,
 * frequency and phase.
 */
import { type RGB, mix, randomColour, uniform, valueNoise } from '../raster';
import type { ProceduralTask } from './task';

const S = 32;
type Field = (u: number, v: number, f: number, noise: (x: number, y: number) => number, x: number, y: number) => number;

const frac = (t: number) => t - Math.floor(t);
const FIELDS: Field[] = [
  (u, _v, f) => (frac(u * f) < 0.5 ? 1 : 0), // striped
  (u, v, f) => ((Math.floor(u * f) + Math.floor(v * f)) % 2 === 0 ? 1 : 0), // chequered
  (u, v, f) => (Math.hypot(frac(u * f) - 0.5, frac(v * f) - 0.5) < 0.25 ? 1 : 0), // dotted
  (u, v, f) => (frac(u * f + Math.abs(frac(v * f) - 0.5)) < 0.5 ? 1 : 0), // zigzagged
  (u, v, f) => (Math.sin(2 * Math.PI * (u * f + 0.25 * Math.sin(2 * Math.PI * v * f * 0.5))) > 0 ? 1 : 0), // wavy
  (u, v, f) => (frac(u * f) < 0.18 || frac(v * f) < 0.18 ? 1 : 0), // grid
  (u, v, f) => (frac((u + v) * f) < 0.18 || frac((u - v) * f) < 0.18 ? 1 : 0), // crosshatched
  (_u, _v, _f, n, x, y) => (Math.sin(8 * n(x, y) + x * 0.2) > 0 ? 1 : 0), // marbled
  (u, v, f) => (Math.sin(Math.hypot(u, v) * f * 2 * Math.PI + Math.atan2(v, u)) > 0 ? 1 : 0), // spiralled
  (_u, _v, _f, n, x, y) => (n(x, y) > 0.55 ? 1 : 0), // blotchy
];

export const texturesTask: ProceduralTask = {
  kind: 'procedural',
  name: 'textures',
  mimics: 'DTD (describable textures)',
  classes: ['striped', 'chequered', 'dotted', 'zigzagged', 'wavy', 'grid', 'crosshatched', 'marbled', 'spiralled', 'blotchy'],
  draw(c, rng, label) {
    const a: RGB = randomColour(rng);
    const b: RGB = randomColour(rng);
    const ang = uniform(rng, 0, Math.PI);
    const f = uniform(rng, 0.12, 0.3);
    const [ox, oy] = [uniform(rng, -16, 16), uniform(rng, -16, 16)];
    const n = valueNoise(rng, 5, S);
    c.shade((x, y) => {
      const [dx, dy] = [x - S / 2 + ox * (label === 8 ? 0.2 : 1), y - S / 2 + oy * (label === 8 ? 0.2 : 1)];
      const u = dx * Math.cos(ang) + dy * Math.sin(ang);
      const v = -dx * Math.sin(ang) + dy * Math.cos(ang);
      return mix(a, b, FIELDS[label](u, v, f, n, x, y));
    });
    c.light(uniform(rng, 0.8, 1.15));
    c.noise(rng, 0.05);
  },
};
