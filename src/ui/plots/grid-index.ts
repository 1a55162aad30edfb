/**
 * Hit-testing for the scatter: points [n, 2] bucketed into a uniform grid (about 4 points per
 * cell), so "which point is under the cursor" looks at a few cells instead of every point.
 */
export class GridIndex {
  private readonly cell: number;
  private readonly cols: number;
  private readonly rows: number;
  private readonly minX: number;
  private readonly minY: number;
  /** Points of cell c: order[start[c] .. start[c + 1]). */
  private readonly start: Int32Array;
  private readonly order: Int32Array;

  constructor(private readonly points: Float32Array) {
    const n = points.length / 2;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, points[2 * i]); maxX = Math.max(maxX, points[2 * i]);
      minY = Math.min(minY, points[2 * i + 1]); maxY = Math.max(maxY, points[2 * i + 1]);
    }
    if (!(minX <= maxX)) { minX = minY = 0; maxX = maxY = 1; }
    const area = Math.max((maxX - minX) * (maxY - minY), 1e-12);
    this.cell = Math.max(Math.sqrt((4 * area) / Math.max(n, 1)), 1e-9);
    this.cols = Math.min(4096, Math.floor((maxX - minX) / this.cell) + 1);
    this.rows = Math.min(4096, Math.floor((maxY - minY) / this.cell) + 1);
    this.minX = minX;
    this.minY = minY;
    const cellOf = new Int32Array(n);
    const count = new Int32Array(this.cols * this.rows + 1);
    for (let i = 0; i < n; i++) count[(cellOf[i] = this.cellIndex(points[2 * i], points[2 * i + 1])) + 1]++;
    for (let c = 1; c < count.length; c++) count[c] += count[c - 1];
    this.start = count;
    this.order = new Int32Array(n);
    const fill = count.slice(0, -1);
    for (let i = 0; i < n; i++) this.order[fill[cellOf[i]]++] = i;
  }

  private col(x: number): number { return Math.min(this.cols - 1, Math.max(0, Math.floor((x - this.minX) / this.cell))); }
  private row(y: number): number { return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.minY) / this.cell))); }
  private cellIndex(x: number, y: number): number { return this.row(y) * this.cols + this.col(x); }

  /** The point nearest (x, y) within `radius` (same units as the points), or -1. `skip(i)` excludes points (hidden ones). */
  nearest(x: number, y: number, radius: number, skip?: (i: number) => boolean): number {
    let best = -1;
    let bestD = radius * radius;
    for (let r = this.row(y - radius); r <= this.row(y + radius); r++) {
      for (let c = this.col(x - radius); c <= this.col(x + radius); c++) {
        const cell = r * this.cols + c;
        for (let k = this.start[cell]; k < this.start[cell + 1]; k++) {
          const i = this.order[k];
          const dx = this.points[2 * i] - x, dy = this.points[2 * i + 1] - y;
          const d = dx * dx + dy * dy;
          if (d <= bestD && !(skip?.(i))) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }
}
