/**
 * "scenes" (SUN397-like): ten outdoor scene categories composed of a sky, a horizon and a few
 * scene-specific objects, with random horizon height, palette jitter, lighting and noise.
 */
import type { Rng } from '../../../src/engine/random';
import { type Canvas, type RGB, circle, jitter, mix, polygon, rect, uniform, valueNoise } from '../raster';
import type { ProceduralTask } from './task';

const S = 32;

function sky(c: Canvas, rng: Rng, top: RGB, bottom: RGB, horizon: number): void {
  c.shade((_x, y) => mix(top, bottom, Math.min(1, y / horizon)));
  c.noise(rng, 0.02);
}

function ground(c: Canvas, rng: Rng, colour: RGB, horizon: number, cells = 4, amp = 0.15): void {
  const n = valueNoise(rng, cells, S);
  c.paint((_x, y) => y >= horizon, colour);
  const d = c.data;
  for (let y = Math.floor(horizon); y < S; y++) for (let x = 0; x < S; x++) {
    const v = amp * (n(x, y) - 0.5);
    for (let k = 0; k < 3; k++) d[(y * S + x) * 3 + k] += v;
  }
}

const scenes: ((c: Canvas, rng: Rng, h: number) => void)[] = [
  (c, rng, h) => { // beach: sky, sea band, sand
    sky(c, rng, jitter(rng, [0.35, 0.6, 0.95], 0.1), [0.75, 0.88, 1], h);
    ground(c, rng, jitter(rng, [0.15, 0.4, 0.75], 0.08), h, 8, 0.1);
    const shore = h + uniform(rng, 4, 9);
    c.paint(polygon([[0, shore + uniform(rng, -3, 3)], [S, shore + uniform(rng, -3, 3)], [S, S], [0, S]]), jitter(rng, [0.9, 0.8, 0.55], 0.08));
  },
  (c, rng, h) => { // forest: many dark-green conifers
    sky(c, rng, jitter(rng, [0.55, 0.7, 0.9], 0.1), [0.8, 0.85, 0.9], h);
    ground(c, rng, jitter(rng, [0.2, 0.35, 0.15], 0.06), h);
    for (let i = 0; i < 9; i++) {
      const x = uniform(rng, 0, S); const b = uniform(rng, h, S + 4); const w = uniform(rng, 3, 6); const t = uniform(rng, 10, 18);
      c.paint(polygon([[x - w, b], [x + w, b], [x, b - t]]), jitter(rng, [0.1, 0.35, 0.12], 0.08));
    }
  },
  (c, rng, h) => { // desert: pale sky, orange dunes
    sky(c, rng, jitter(rng, [0.6, 0.75, 0.95], 0.1), [0.95, 0.9, 0.8], h);
    const f = uniform(rng, 0.15, 0.35); const ph = uniform(rng, 0, 6);
    c.paint((x, y) => y > h + 2 * Math.sin(f * x + ph), jitter(rng, [0.88, 0.62, 0.3], 0.08));
    c.paint((x, y) => y > h + 8 + 2 * Math.sin(1.3 * f * x + 2 * ph), jitter(rng, [0.8, 0.5, 0.25], 0.08));
  },
  (c, rng, h) => { // city: buildings with lit windows
    sky(c, rng, jitter(rng, [0.5, 0.6, 0.75], 0.15), [0.75, 0.75, 0.8], h);
    ground(c, rng, [0.3, 0.3, 0.32], h + 6);
    for (let x = uniform(rng, -4, 0); x < S;) {
      const w = uniform(rng, 4, 8); const top = uniform(rng, 3, h + 2);
      c.paint(rect(x, top, x + w - 1, h + 6), jitter(rng, [0.45, 0.45, 0.5], 0.15));
      for (let wy = top + 2; wy < h + 4; wy += 3) for (let wx = x + 1; wx < x + w - 2; wx += 2) c.paint(rect(wx, wy, wx + 1, wy + 1), [0.95, 0.9, 0.5], 0.8);
      x += w;
    }
  },
  (c, rng, h) => { // mountains: grey peaks with snow caps
    sky(c, rng, jitter(rng, [0.4, 0.6, 0.9], 0.1), [0.8, 0.88, 0.95], h);
    for (let i = 0; i < 3; i++) {
      const x = uniform(rng, 0, S); const w = uniform(rng, 10, 18); const top = uniform(rng, 2, h - 4);
      c.paint(polygon([[x - w, h + 2], [x + w, h + 2], [x, top]]), jitter(rng, [0.45, 0.42, 0.45], 0.08));
      c.paint(polygon([[x - w * 0.25, top + (h - top) * 0.25], [x + w * 0.25, top + (h - top) * 0.25], [x, top]]), [0.95, 0.95, 0.97]);
    }
    ground(c, rng, jitter(rng, [0.3, 0.4, 0.25], 0.08), h + 2);
  },
  (c, rng, h) => { // lake: green banks around a blue ellipse
    sky(c, rng, jitter(rng, [0.45, 0.65, 0.9], 0.1), [0.8, 0.9, 0.95], h);
    ground(c, rng, jitter(rng, [0.3, 0.55, 0.25], 0.08), h);
    const cx = uniform(rng, 8, 24); const rx = uniform(rng, 8, 14); const ry = uniform(rng, 2, (S - h) / 2);
    c.paint((x, y) => ((x - cx) / rx) ** 2 + ((y - h - ry - 1) / ry) ** 2 <= 1, jitter(rng, [0.2, 0.4, 0.7], 0.08));
  },
  (c, rng, h) => { // field: crop rows in perspective
    sky(c, rng, jitter(rng, [0.45, 0.65, 0.95], 0.1), [0.85, 0.9, 0.95], h);
    const a: RGB = jitter(rng, [0.75, 0.7, 0.25], 0.1); const b: RGB = jitter(rng, [0.45, 0.6, 0.2], 0.1);
    c.paint((x, y) => y >= h && Math.floor((x - S / 2) / (1 + (y - h) * 0.6)) % 2 === 0, a);
    c.paint((x, y) => y >= h && Math.floor((x - S / 2) / (1 + (y - h) * 0.6)) % 2 !== 0, b);
  },
  (c, rng, h) => { // snow: white ground, grey sky, flakes
    sky(c, rng, jitter(rng, [0.7, 0.72, 0.78], 0.08), [0.88, 0.88, 0.9], h);
    ground(c, rng, jitter(rng, [0.93, 0.94, 0.98], 0.04), h, 4, 0.08);
    for (let i = 0; i < 12; i++) c.paint(circle(uniform(rng, 0, S), uniform(rng, 0, S), uniform(rng, 0.4, 0.9)), [1, 1, 1]);
  },
  (c, rng, h) => { // night: dark sky, stars, moon, dark land
    sky(c, rng, jitter(rng, [0.02, 0.03, 0.15], 0.03), [0.08, 0.1, 0.25], h);
    for (let i = 0; i < 14; i++) {
      const x = uniform(rng, 0, S); const y = uniform(rng, 0, h);
      c.paint(rect(x, y, x + 0.8, y + 0.8), [1, 1, 0.9]);
    }
    c.paint(circle(uniform(rng, 4, 28), uniform(rng, 3, h - 3), uniform(rng, 2, 4)), [0.95, 0.95, 0.85]);
    ground(c, rng, jitter(rng, [0.05, 0.07, 0.05], 0.03), h);
  },
  (c, rng, h) => { // sunset: orange-red gradient, low sun, dark silhouettes
    sky(c, rng, jitter(rng, [0.45, 0.2, 0.4], 0.1), jitter(rng, [1, 0.6, 0.2], 0.08), h);
    c.paint(circle(uniform(rng, 6, 26), h - uniform(rng, 0, 3), uniform(rng, 3, 5)), [1, 0.85, 0.4]);
    ground(c, rng, jitter(rng, [0.15, 0.08, 0.1], 0.05), h);
  },
];

export const scenesTask: ProceduralTask = {
  kind: 'procedural',
  name: 'scenes',
  mimics: 'SUN397 (scene categories)',
  classes: ['beach', 'forest', 'desert', 'city', 'mountains', 'lake', 'field', 'snow', 'night', 'sunset'],
  draw(c, rng, label) {
    scenes[label](c, rng, uniform(rng, 9, 20));
    c.light(uniform(rng, 0.7, 1.2), uniform(rng, -0.08, 0.08));
    c.noise(rng, 0.04);
  },
};
