/**
 * The scatter's view transform: data (x, y) → screen (px) as screen = data · scale + offset, with y
 * pointing down on screen. Pure functions: fit a bounding box into a viewport, zoom about a screen
 * point, pan, and map both ways.
 */
export interface View {
  scale: number;
  /** Screen position of data (0, 0). */
  offsetX: number;
  offsetY: number;
}

export interface Bounds { minX: number; minY: number; maxX: number; maxY: number }

/** Bounds of positions [n, 2] (several arrays: the union). Empty input → the unit box. */
export function boundsOf(...positions: Float32Array[]): Bounds {
  const b = { minX: Infinity, minY: Infinity, maxX: -Infinity, maxY: -Infinity };
  for (const p of positions) {
    for (let i = 0; i < p.length; i += 2) {
      if (p[i] < b.minX) b.minX = p[i];
      if (p[i] > b.maxX) b.maxX = p[i];
      if (p[i + 1] < b.minY) b.minY = p[i + 1];
      if (p[i + 1] > b.maxY) b.maxY = p[i + 1];
    }
  }
  return b.minX <= b.maxX ? b : { minX: 0, minY: 0, maxX: 1, maxY: 1 };
}

/** The view that shows `b` centred in a width × height viewport with `margin` px on every side. */
export function fitView(b: Bounds, width: number, height: number, margin = 16): View {
  const w = Math.max(b.maxX - b.minX, 1e-9);
  const h = Math.max(b.maxY - b.minY, 1e-9);
  const scale = Math.min((width - 2 * margin) / w, (height - 2 * margin) / h);
  return {
    scale,
    offsetX: width / 2 - ((b.minX + b.maxX) / 2) * scale,
    offsetY: height / 2 + ((b.minY + b.maxY) / 2) * scale,
  };
}

export function toScreen(v: View, x: number, y: number): [number, number] {
  return [x * v.scale + v.offsetX, -y * v.scale + v.offsetY];
}

export function toData(v: View, sx: number, sy: number): [number, number] {
  return [(sx - v.offsetX) / v.scale, -(sy - v.offsetY) / v.scale];
}

/** Zooms by `factor` keeping the data point under screen (sx, sy) fixed. */
export function zoomAt(v: View, sx: number, sy: number, factor: number): View {
  const scale = v.scale * factor;
  return { scale, offsetX: sx - (sx - v.offsetX) * factor, offsetY: sy - (sy - v.offsetY) * factor };
}

export function pan(v: View, dx: number, dy: number): View {
  return { ...v, offsetX: v.offsetX + dx, offsetY: v.offsetY + dy };
}

/** Positions between two layouts [n, 2] at t ∈ [0, 1] (smoothstep eased), into `out`. */
export function interpolate(from: Float32Array, to: Float32Array, t: number, out = new Float32Array(to.length)): Float32Array {
  const e = t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t);
  for (let i = 0; i < to.length; i++) out[i] = from[i] + (to[i] - from[i]) * e;
  return out;
}
