/**
 * "signs" (GTSRB-like): twelve traffic-sign-like glyphs (shape × colour × symbol) at a random
 * position, scale and lighting in front of a blurry street background.
 */
import type { Rng } from '../../../src/engine/random';
import { DIGITS, type Glyph, SYMBOLS, drawGlyph } from '../glyphs';
import { type Canvas, type RGB, circle, jitter, mix, polygon, randomColour, regular, uniform, valueNoise } from '../raster';
import type { ProceduralTask } from './task';

const S = 32;
const RED: RGB = [0.8, 0.1, 0.1];
const BLUE: RGB = [0.1, 0.3, 0.75];
const WHITE: RGB = [0.95, 0.95, 0.95];
const BLACK: RGB = [0.08, 0.08, 0.08];
const YELLOW: RGB = [0.95, 0.8, 0.1];

interface Sign { name: string; draw(c: Canvas, rng: Rng, cx: number, cy: number, r: number): void }

const symbol = (c: Canvas, rng: Rng, g: Glyph, cx: number, cy: number, r: number, colour: RGB, w = 0.22) =>
  drawGlyph(c, rng, g, { cx, cy, size: 1.1 * r, width: Math.max(1.2, w * r), colour, aspect: 1 });

function speed(tens: number): Sign['draw'] {
  return (c, rng, cx, cy, r) => {
    c.paint(circle(cx, cy, r), RED);
    c.paint(circle(cx, cy, 0.75 * r), WHITE);
    for (const [d, k] of [[-0.28, tens], [0.28, 0]]) drawGlyph(c, rng, DIGITS[k], { cx: cx + d * r, cy, size: 0.8 * r, width: Math.max(1, 0.15 * r), colour: BLACK, aspect: 0.6 });
  };
}

const roundBlue = (g: Glyph): Sign['draw'] => (c, rng, cx, cy, r) => {
  c.paint(circle(cx, cy, r), BLUE);
  symbol(c, rng, g, cx, cy, r, WHITE);
};

const SIGNS: Sign[] = [
  { name: 'speed_30', draw: speed(3) },
  { name: 'speed_50', draw: speed(5) },
  { name: 'speed_80', draw: speed(8) },
  { name: 'stop', draw: (c, rng, cx, cy, r) => { c.paint(polygon(regular(cx, cy, r, 8, Math.PI / 8)), RED); c.paint(polygon(regular(cx, cy, 0.85 * r, 8, Math.PI / 8)), jitter(rng, RED, 0.05)); symbol(c, rng, SYMBOLS.bar, cx, cy, 0.9 * r, WHITE, 0.15); } },
  { name: 'yield', draw: (c, _rng, cx, cy, r) => { c.paint(polygon(regular(cx, cy, r, 3, Math.PI / 2)), RED); c.paint(polygon(regular(cx, cy - 0.05 * r, 0.55 * r, 3, Math.PI / 2)), WHITE); } },
  { name: 'no_entry', draw: (c, _rng, cx, cy, r) => { c.paint(circle(cx, cy, r), RED); c.paint(polygon([[cx - 0.7 * r, cy - 0.18 * r], [cx + 0.7 * r, cy - 0.18 * r], [cx + 0.7 * r, cy + 0.18 * r], [cx - 0.7 * r, cy + 0.18 * r]]), WHITE); } },
  { name: 'priority_road', draw: (c, _rng, cx, cy, r) => { c.paint(polygon(regular(cx, cy, r, 4)), WHITE); c.paint(polygon(regular(cx, cy, 0.7 * r, 4)), YELLOW); } },
  { name: 'ahead_only', draw: roundBlue(SYMBOLS.arrowUp) },
  { name: 'turn_left', draw: roundBlue(SYMBOLS.arrowLeft) },
  { name: 'turn_right', draw: roundBlue(SYMBOLS.arrowRight) },
  { name: 'roundabout', draw: roundBlue(SYMBOLS.ring) },
  { name: 'danger', draw: (c, rng, cx, cy, r) => { c.paint(polygon(regular(cx, cy, r, 3, -Math.PI / 2)), RED); c.paint(polygon(regular(cx, cy + 0.08 * r, 0.6 * r, 3, -Math.PI / 2)), WHITE); symbol(c, rng, SYMBOLS.bang, cx, cy + 0.15 * r, 0.6 * r, BLACK); } },
];

export const signsTask: ProceduralTask = {
  kind: 'procedural',
  name: 'signs',
  mimics: 'GTSRB (traffic signs)',
  classes: SIGNS.map((s) => s.name),
  draw(c, rng, label) {
    const n = valueNoise(rng, 3, S);
    const [a, b] = [randomColour(rng), randomColour(rng)];
    c.shade((x, y) => mix(a, b, n(x, y)));
    const r = uniform(rng, 10, 15);
    SIGNS[label].draw(c, rng, 16 + uniform(rng, -2, 2), 16 + uniform(rng, -2, 2), r);
    c.light(uniform(rng, 0.7, 1.2), uniform(rng, -0.06, 0.06));
    c.noise(rng, 0.04);
  },
};
