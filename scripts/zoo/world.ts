/**
 * The pretraining data ("world"): a broad mixture of 44 pseudo-classes that are NOT the eight
 * tasks — 20 stroke letters, 8 geometric shapes, 8 dominant hues of a noise field and 8 grating
 * orientations — each drawn at a random position, scale, colour and background. Learning to tell
 * them apart teaches strokes, shapes, colour and orientation: features the tasks can reuse, as
 * CLIP's web pretraining gives a zero-shot start, but none of the tasks' classes.
 */
import type { Rng } from '../../src/engine/random';
import { LETTERS, drawGlyph } from './glyphs';
import { type Canvas, type RGB, circle, hsv, mix, polygon, randomColour, regular, ring, uniform, valueNoise } from './raster';
import type { ProceduralTask } from './tasks/task';

const S = 32;
const LETTER_KEYS = Object.keys(LETTERS);

/** A colourful noise field, or (one time in three) a plain grey level, as on scans and icons. */
function background(c: Canvas, rng: Rng): void {
  if (rng.next() < 1 / 3) {
    const g = rng.next() < 0.5 ? uniform(rng, 0, 0.15) : uniform(rng, 0.85, 1);
    c.fill([g, g, g]);
    return;
  }
  const n = valueNoise(rng, 2 + rng.int(5), S);
  const [a, b] = [randomColour(rng), randomColour(rng)];
  c.shade((x, y) => mix(a, b, n(x, y)));
}

/** A foreground colour that contrasts with the pixel under the centre. */
function contrasting(c: Canvas, rng: Rng): RGB {
  const i = ((S / 2) * S + S / 2) * 3;
  const lum = 0.3 * c.data[i] + 0.6 * c.data[i + 1] + 0.1 * c.data[i + 2];
  return hsv(rng.next(), uniform(rng, 0, 1), lum > 0.5 ? uniform(rng, 0, 0.3) : uniform(rng, 0.7, 1));
}

const SHAPES: ((c: Canvas, x: number, y: number, r: number, rot: number, col: RGB) => void)[] = [
  (c, x, y, r, _a, col) => c.paint(circle(x, y, r), col),
  (c, x, y, r, a, col) => c.paint(polygon(regular(x, y, r, 4, a)), col),
  (c, x, y, r, a, col) => c.paint(polygon(regular(x, y, r, 3, a)), col),
  (c, x, y, r, a, col) => c.paint(polygon(regular(x, y, r, 6, a)), col),
  (c, x, y, r, _a, col) => c.paint(ring(x, y, 0.75 * r, 0.35 * r), col),
  (c, x, y, r, a, col) => c.paint(polygon(Array.from({ length: 10 }, (_, i) => regular(x, y, i % 2 ? 0.45 * r : r, 10, a)[i])), col), // star
  (c, x, y, r, a, col) => { // cross
    const [cs, sn] = [Math.cos(a), Math.sin(a)];
    c.paint((px, py) => { const u = (px - x) * cs + (py - y) * sn; const v = -(px - x) * sn + (py - y) * cs; return (Math.abs(u) < r && Math.abs(v) < 0.3 * r) || (Math.abs(v) < r && Math.abs(u) < 0.3 * r); }, col);
  },
  (c, x, y, r, a, col) => c.paint((px, py) => Math.abs(((px - x) * Math.cos(a) + (py - y) * Math.sin(a)) / r) + Math.abs((-(px - x) * Math.sin(a) + (py - y) * Math.cos(a)) / (0.5 * r)) < 1, col), // lens
];

export const WORLD_CLASSES = [
  ...LETTER_KEYS.map((k) => `letter_${k}`),
  'circle', 'square', 'triangle', 'hexagon', 'ring', 'star', 'cross', 'lens',
  ...['red', 'orange', 'yellow', 'green', 'cyan', 'blue', 'purple', 'pink'].map((h) => `hue_${h}`),
  ...Array.from({ length: 8 }, (_, i) => `grating_${i * 22.5}deg`),
];

export const worldTask: ProceduralTask = {
  kind: 'procedural',
  name: 'world',
  mimics: 'web-scale pretraining data',
  classes: WORLD_CLASSES,
  draw(c, rng, label) {
    const L = LETTER_KEYS.length;
    if (label < L) {
      background(c, rng);
      drawGlyph(c, rng, LETTERS[LETTER_KEYS[label]], {
        cx: 16 + uniform(rng, -5, 5), cy: 16 + uniform(rng, -5, 5), size: uniform(rng, 12, 26), width: uniform(rng, 1.5, 4),
        colour: contrasting(c, rng), rotate: 0.3, shear: 0.3, wobble: 0.06, aspect: uniform(rng, 0.6, 1),
      });
    } else if (label < L + 8) {
      background(c, rng);
      const r = uniform(rng, 5, 12);
      SHAPES[label - L](c, 16 + uniform(rng, -6, 6), 16 + uniform(rng, -6, 6), r, uniform(rng, 0, 6.3), contrasting(c, rng));
    } else if (label < L + 16) {
      const h = (label - L - 8) / 8 + uniform(rng, -0.03, 0.03);
      const n = valueNoise(rng, 2 + rng.int(8), S);
      const other = randomColour(rng);
      const base = hsv(h, uniform(rng, 0.5, 1), uniform(rng, 0.5, 1));
      c.shade((x, y) => mix(base, other, 0.35 * n(x, y)));
    } else {
      const a = ((label - L - 16) * Math.PI) / 8 + uniform(rng, -0.1, 0.1);
      const f = uniform(rng, 0.15, 0.5);
      const [p, q] = [randomColour(rng), randomColour(rng)];
      const ph = uniform(rng, 0, 6.3);
      c.shade((x, y) => mix(p, q, 0.5 + 0.5 * Math.sin(f * ((x - 16) * Math.cos(a) + (y - 16) * Math.sin(a)) + ph)));
    }
    c.light(uniform(rng, 0.75, 1.2), uniform(rng, -0.06, 0.06));
    c.noise(rng, 0.04);
  },
};
