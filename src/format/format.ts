/** Formatting for the page and the lessons: counts, bytes, milliseconds, shapes, differences, backends. */
import type { BackendName } from '../worker/api';

export const formatCount = (n: number): string => n.toLocaleString('en-US');

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export const formatMs = (ms: number): string => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

/** A percentage with one decimal ("83.3"); "—" when there is none. */
export const formatPct = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(1));

export const formatShape = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** A max-abs difference in scientific notation ("3.1e-7"); ∞ for a missing/misshapen output. */
export function formatDiff(d: number): string {
  if (!Number.isFinite(d)) return Number.isNaN(d) ? 'NaN' : '∞';
  if (d === 0) return '0';
  return d.toExponential(1).replace('e+', 'e');
}

const BACKEND_LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', wasm: 'WASM', webgl: 'WebGL', cpu: 'CPU' };
export const backendLabel = (b: BackendName): string => BACKEND_LABEL[b] ?? b;
