/**
 * "housenums" (SVHN-like): a coloured digit centred on a coloured, textured plate, with cropped
 * neighbouring digits at the sides (the label is the centre digit), blur-free but noisy.
 */
import { DIGITS, drawGlyph } from '../glyphs';
import { type RGB, mix, randomColour, uniform, valueNoise } from '../raster';
import type { ProceduralTask } from './task';

const S = 32;

export const housenumsTask: ProceduralTask = {
  kind: 'procedural',
  name: 'housenums',
  mimics: 'SVHN (house numbers in street photos)',
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  draw(c, rng, label) {
    const bg: RGB = randomColour(rng);
    let fg: RGB = randomColour(rng);
    // Keep the digit readable: push its brightness away from the plate's.
    const lum = (k: RGB) => 0.3 * k[0] + 0.6 * k[1] + 0.1 * k[2];
    if (Math.abs(lum(fg) - lum(bg)) < 0.45) fg = mix(fg, lum(bg) > 0.5 ? [0, 0, 0] : [1, 1, 1], 0.75);
    const n = valueNoise(rng, 4, S);
    c.shade((x, y) => mix(bg, [n(x, y), n(x, y), n(x, y)], 0.25));
    const size = uniform(rng, 20, 25);
    const gap = size * uniform(rng, 0.55, 0.7);
    const cy = 16 + uniform(rng, -2, 2);
    const style = { cy, size, width: uniform(rng, 2.6, 4), colour: fg, rotate: 0.12, shear: 0.25, wobble: 0.03, aspect: 0.7 };
    for (const dx of [-gap, gap]) if (rng.next() < 0.4) drawGlyph(c, rng, DIGITS[rng.int(10)], { ...style, cx: 16 + dx });
    drawGlyph(c, rng, DIGITS[label], { ...style, cx: 16 + uniform(rng, -1.5, 1.5) });
    c.light(uniform(rng, 0.85, 1.15), uniform(rng, -0.05, 0.05));
    c.noise(rng, 0.03);
  },
};
