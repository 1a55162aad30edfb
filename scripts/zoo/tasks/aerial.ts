/**
 * "aerial" (RESISC45-like): top-down views of ten man-made and natural structures on a noisy
 * terrain, at a random rotation, scale and offset.
 */
import type { Rng } from '../../../src/engine/random';
import { type Canvas, type Point, type RGB, circle, jitter, polygon, ring, uniform, valueNoise } from '../raster';
import type { ProceduralTask } from './task';

const S = 32;
const ROAD: RGB = [0.35, 0.35, 0.37];
const WATER: RGB = [0.16, 0.3, 0.5];

/** Maps "scene" coordinates (a rotated, shifted frame) to pixels. */
function frame(rng: Rng): (p: Point) => Point {
  const a = uniform(rng, 0, Math.PI);
  const [dx, dy] = [uniform(rng, -3, 3), uniform(rng, -3, 3)];
  return ([u, v]) => [S / 2 + dx + u * Math.cos(a) - v * Math.sin(a), S / 2 + dy + u * Math.sin(a) + v * Math.cos(a)];
}

function terrain(c: Canvas, rng: Rng, base: RGB): void {
  const n = valueNoise(rng, 6, S);
  const b = jitter(rng, base, 0.06);
  c.shade((x, y) => { const v = 0.2 * (n(x, y) - 0.5); return [b[0] + v, b[1] + v, b[2] + v]; });
}

const rectAt = (f: (p: Point) => Point, u0: number, v0: number, u1: number, v1: number) => polygon([f([u0, v0]), f([u1, v0]), f([u1, v1]), f([u0, v1])]);

const structures: ((c: Canvas, rng: Rng, f: (p: Point) => Point) => void)[] = [
  (c, rng, f) => { // crossroads
    terrain(c, rng, [0.4, 0.5, 0.3]);
    const w = uniform(rng, 2, 4);
    c.paint(rectAt(f, -30, -w, 30, w), ROAD);
    c.paint(rectAt(f, -w, -30, w, 30), ROAD);
  },
  (c, rng) => { // river: a meandering band
    terrain(c, rng, [0.35, 0.5, 0.28]);
    const [amp, k, w] = [uniform(rng, 2, 6), uniform(rng, 0.15, 0.35), uniform(rng, 2.5, 5)];
    const inv = frame(rng);
    c.paint((x, y) => { const [u, v] = inv([x - S / 2, y - S / 2]); return Math.abs(v - S / 2 - amp * Math.sin(k * u)) < w; }, jitter(rng, WATER, 0.06));
  },
  (c, rng, f) => { // roundabout
    terrain(c, rng, [0.4, 0.5, 0.3]);
    const [cx, cy] = f([0, 0]); const r = uniform(rng, 5, 8);
    c.paint(rectAt(f, -30, -2, 30, 2), ROAD);
    c.paint(circle(cx, cy, r + 2), ROAD);
    c.paint(circle(cx, cy, r - 1.5), jitter(rng, [0.3, 0.6, 0.3], 0.08));
  },
  (c, rng) => { // farmland: parallel strips of crops
    const cols: RGB[] = [[0.75, 0.7, 0.35], [0.4, 0.6, 0.25], [0.55, 0.45, 0.3]];
    const w = uniform(rng, 3, 6);
    const inv = frame(rng);
    c.shade((x, y) => { const [u] = inv([x - S / 2, y - S / 2]); return jitter(rng, cols[Math.abs(Math.floor(u / w)) % 3], 0.03); });
  },
  (c, rng, f) => { // parking lot: grey area with rows of coloured cars
    terrain(c, rng, [0.42, 0.42, 0.44]);
    for (let v = -12; v <= 12; v += 6) for (let u = -14; u <= 14; u += 3) if (rng.next() < 0.7) c.paint(rectAt(f, u, v, u + 2, v + 3.5), jitter(rng, [0.6, 0.6, 0.6], 0.4));
  },
  (c, rng, f) => { // runway with centre markings
    terrain(c, rng, [0.45, 0.55, 0.35]);
    c.paint(rectAt(f, -30, -4, 30, 4), [0.3, 0.3, 0.32]);
    for (let u = -28; u < 28; u += 5) c.paint(rectAt(f, u, -0.5, u + 2.5, 0.5), [0.95, 0.95, 0.95]);
  },
  (c, rng, f) => { // residential: small houses with red/grey roofs along a street
    terrain(c, rng, [0.35, 0.5, 0.3]);
    c.paint(rectAt(f, -30, -1.5, 30, 1.5), ROAD);
    for (const v of [-7, 4]) for (let u = -15; u < 15; u += uniform(rng, 5, 7)) c.paint(rectAt(f, u, v, u + 3.5, v + 3.5), jitter(rng, rng.next() < 0.5 ? [0.7, 0.3, 0.25] : [0.55, 0.55, 0.58], 0.08));
  },
  (c, rng, f) => { // harbour: water with piers and boats
    terrain(c, rng, WATER);
    c.paint(rectAt(f, -30, 8, 30, 30), jitter(rng, [0.5, 0.48, 0.45], 0.06));
    for (let u = -12; u <= 12; u += 6) {
      c.paint(rectAt(f, u, -10, u + 1.2, 8), [0.75, 0.72, 0.68]);
      c.paint(rectAt(f, u + 2, -uniform(rng, 0, 8), u + 3.5, -uniform(rng, 0, 8) + 4), [0.95, 0.95, 0.95]);
    }
  },
  (c, rng, f) => { // bridge: road across a river
    terrain(c, rng, [0.38, 0.5, 0.3]);
    c.paint(rectAt(f, -30, -6, 30, 6), jitter(rng, WATER, 0.06));
    c.paint(rectAt(f, -2.5, -30, 2.5, 30), [0.55, 0.55, 0.55]);
  },
  (c, rng, f) => { // stadium: an oval track around a pitch
    terrain(c, rng, [0.45, 0.45, 0.45]);
    const [cx, cy] = f([0, 0]); const r = uniform(rng, 7, 10);
    c.paint(circle(cx, cy, r + 2), jitter(rng, [0.7, 0.35, 0.25], 0.08));
    c.paint(circle(cx, cy, r), jitter(rng, [0.25, 0.6, 0.25], 0.08));
    c.paint(ring(cx, cy, r * 0.5, 0.6), [0.95, 0.95, 0.95]);
  },
];

export const aerialTask: ProceduralTask = {
  kind: 'procedural',
  name: 'aerial',
  mimics: 'RESISC45 (remote-sensing scenes)',
  classes: ['crossroads', 'river', 'roundabout', 'farmland', 'parking_lot', 'runway', 'residential', 'harbour', 'bridge', 'stadium'],
  draw(c, rng, label) {
    structures[label](c, rng, frame(rng));
    c.light(uniform(rng, 0.75, 1.2), uniform(rng, -0.06, 0.06));
    c.noise(rng, 0.04);
  },
};
