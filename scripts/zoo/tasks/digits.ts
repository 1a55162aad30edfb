/**
 * "digits" (MNIST-like): white handwritten-style digits on black, drawn from stroke templates with
 * random smooth warps, slant, rotation, size and stroke width.
 */
import { DIGITS, drawGlyph } from '../glyphs';
import { uniform } from '../raster';
import type { ProceduralTask } from './task';

export const digitsTask: ProceduralTask = {
  kind: 'procedural',
  name: 'digits',
  mimics: 'MNIST (handwritten digits)',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  draw(c, rng, label) {
    c.fill([0, 0, 0]);
    const g = uniform(rng, 0.8, 1);
    drawGlyph(c, rng, DIGITS[label], {
      cx: 16 + uniform(rng, -2, 2), cy: 16 + uniform(rng, -2, 2), size: uniform(rng, 18, 24),
      width: uniform(rng, 2.2, 3.8), colour: [g, g, g], rotate: 0.2, shear: 0.3, wobble: 0.08, aspect: uniform(rng, 0.6, 0.85),
    });
    c.noise(rng, 0.02);
  },
};
