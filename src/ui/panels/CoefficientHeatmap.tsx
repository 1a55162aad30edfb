/**
 * AdaMerging's learned coefficients as a heatmap: rows are tasks; layer-wise,
 * one column per parameter tensor in checkpoint order (AdaMerging, Yang et al., arXiv:2310.02575:
 * every stored tensor, the
 * projection included when the model has one), grouped under their labels (embeddings = class,
 * patch and position embeddings + pre-LayerNorm; each block = its q/k/v/out projections, two
 * LayerNorms, fc1 and fc2, weights and biases; final = post-LayerNorm + projection), a gap between
 * groups; task-wise, one cell per task with its value. Colour = the λ the merge uses, clamp(λ, 0, 1),
 * on viridis from the smallest (dark) to the largest (bright) shown; each cell's title names the
 * task, tensor and value. "Export coefficients" saves the coefficients JSON (raw λ) that the
 * Train panel, the CLI (merge.coefficients) and MergeCoefficients.load read back.
 */
import { useRef } from 'react';
import { tensorGroups } from '../../state/engine-view';
import type { CoefficientsJson } from '../../worker/api';
import { ChartExport } from '../export/ChartExport';
import { saveBlob } from '../export/download';
import { sequentialColor } from '../plots/colors';

const clamp = (v: number) => Math.min(1, Math.max(0, v));

export function CoefficientHeatmap({ coefficients: c, fileName }: { coefficients: CoefficientsJson; fileName: string }) {
  const layer = c.granularity === 'layer';
  const tensors = c.tensors ?? [];
  const groups = layer ? tensorGroups(tensors) : [{ label: 'all tensors', start: 0, end: 1 }];
  const cols = layer ? tensors.length : 1;
  const cw = layer ? Math.max(3, Math.min(24, Math.floor(760 / cols))) : 60;
  const ch = 18;
  const left = 110, top = 8, bottom = 64, gap = 4;
  const groupOf = new Int32Array(cols);
  groups.forEach((g, k) => groupOf.fill(k, g.start, g.end));
  const x = (j: number) => left + j * cw + groupOf[Math.min(j, cols - 1)] * gap;
  const used = c.lambda.flat().map(clamp);
  const lo = Math.min(...used), hi = Math.max(...used);
  const colour = (v: number) => sequentialColor(hi > lo ? (clamp(v) - lo) / (hi - lo) : 0.5);
  const width = x(cols - 1) + cw + 40;
  const height = top + c.tasks.length * ch + bottom;
  const ref = useRef<HTMLElement>(null);
  const exportJson = () => saveBlob(fileName, new Blob([JSON.stringify(c, null, 1)], { type: 'application/json' }));
  return (
    <figure ref={ref} className="coefficient-heatmap" data-testid="coefficient-heatmap">
      <figcaption>
        {layer
          ? `Layer-wise λ: ${c.tasks.length} tasks × ${cols} parameter tensors (one per stored tensor, grouped by block)`
          : 'Task-wise λ: one per task, shared by every parameter tensor'}
        {c.plus ? ' · AdaMerging++ (TIES-selected task vectors)' : ''}. Colour: clamp(λ, 0, 1) from {lo.toFixed(3)} (dark) to {hi.toFixed(3)} (bright).
      </figcaption>
      <svg width={width} height={height} fill="currentColor" role="img" aria-label={`AdaMerging coefficients heatmap, ${c.tasks.length} tasks by ${layer ? `${cols} tensors` : 'task'}`}>
        {c.tasks.map((task, i) => (
          <g key={task}>
            <text x={left - 6} y={top + i * ch + ch / 2 + 4} textAnchor="end" fontSize={12}>{task}</text>
            {c.lambda[i].map((v, j) => (
              <rect key={j} x={x(j)} y={top + i * ch} width={Math.max(1, cw - (layer && cw < 6 ? 0 : 1))} height={ch - 1} fill={colour(v)}>
                <title>{`${task} · ${layer ? tensors[j] : 'all tensors'}: λ = ${v.toFixed(4)}${v !== clamp(v) ? ` (used as ${clamp(v)})` : ''}`}</title>
              </rect>
            ))}
            {!layer && <text x={x(0) + cw + 6} y={top + i * ch + ch / 2 + 4} fontSize={12}>{clamp(c.lambda[i][0]).toFixed(3)}</text>}
          </g>
        ))}
        {groups.map((g) => (
          <text key={g.label} transform={`translate(${(x(g.start) + x(g.end - 1) + cw) / 2}, ${top + c.tasks.length * ch + 10}) rotate(45)`} fontSize={10}>{g.label}</text>
        ))}
      </svg>
      <button type="button" className="secondary-button" data-testid="export-coefficients" onClick={exportJson}>Export coefficients</button>
      <ChartExport target={ref} name="AdaMerging coefficients" />
    </figure>
  );
}
