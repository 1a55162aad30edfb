/**
 * The detail text of a progress line: how far ("120 of 400 images", "1.2 MB of 351 MB") and, for
 * counted units with a measured rate, how fast ("· 12.3 images/s"; 3 significant figures, whole
 * numbers from 100 up).
 */
import { formatBytes } from '../../format/format';
import type { Progress } from '../../worker/api';

function rate(p: Progress): string {
  const r = p.perSecond;
  if (!p.unit || p.unit === 'bytes' || r === undefined || !(r > 0) || !Number.isFinite(r)) return '';
  return ` · ${r >= 100 ? Math.round(r) : Number(r.toPrecision(3))} ${p.unit}/s`;
}

export function progressDetail(p: Progress): string {
  if (p.unit === 'bytes') return `${formatBytes(p.done)} of ${formatBytes(p.total)}`;
  return p.unit ? `${p.done} of ${p.total} ${p.unit}${rate(p)}` : '';
}
