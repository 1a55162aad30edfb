/**
 * An SVG drawing of a square labelled matrix (the cosine heatmap is an HTML table in the page):
 * row and column labels, one coloured cell per entry with its value to 2 decimals. Pure string
 * building, so it is tested without a browser.
 */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export interface MatrixStyle {
  cell(v: number): string;
  /** Text colour of a cell (light text on strong colours). */
  text(v: number): string;
  ink: string;
  background: string;
}

export function matrixSvg(labels: readonly string[], values: readonly (readonly number[])[], style: MatrixStyle, cellSize = 44, labelWidth = 110): string {
  const n = labels.length;
  const w = labelWidth + n * cellSize;
  const h = labelWidth + n * cellSize;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="${esc(style.background)}"/>`,
  ];
  labels.forEach((l, i) => {
    const c = labelWidth + i * cellSize + cellSize / 2;
    parts.push(`<text x="${labelWidth - 6}" y="${c}" text-anchor="end" dominant-baseline="middle" fill="${esc(style.ink)}">${esc(l)}</text>`);
    parts.push(`<text transform="translate(${c} ${labelWidth - 6}) rotate(-45)" fill="${esc(style.ink)}">${esc(l)}</text>`);
  });
  values.forEach((row, i) => row.forEach((v, j) => {
    const x = labelWidth + j * cellSize;
    const y = labelWidth + i * cellSize;
    parts.push(`<rect x="${x}" y="${y}" width="${cellSize}" height="${cellSize}" fill="${esc(style.cell(v))}"/>`);
    parts.push(`<text x="${x + cellSize / 2}" y="${y + cellSize / 2}" text-anchor="middle" dominant-baseline="middle" fill="${esc(style.text(v))}">${v.toFixed(2)}</text>`);
  }));
  parts.push('</svg>');
  return parts.join('\n');
}
