/** Cosine similarity of the task vectors as a heatmap (a table with coloured cells: red positive, blue negative). */
import { useRef } from 'react';
import { ChartExport } from '../export/ChartExport';
import { matrixSvg } from '../export/heatmap-svg';

function colour(v: number): string {
  const a = Math.min(1, Math.abs(v));
  return v >= 0 ? `rgba(204, 51, 51, ${0.08 + 0.85 * a})` : `rgba(47, 91, 211, ${0.08 + 0.85 * a})`;
}

export function CosineHeatmap({ tasks, cosine }: { tasks: string[]; cosine: number[][] }) {
  const ref = useRef<HTMLDivElement>(null);
  const svg = () => {
    const css = getComputedStyle(document.documentElement);
    const ink = css.getPropertyValue('--ink').trim();
    return matrixSvg(tasks, cosine, { cell: colour, text: (v) => (Math.abs(v) > 0.6 ? 'white' : ink), ink, background: css.getPropertyValue('--panel').trim() });
  };
  return (
    <div className="chart-wrap" ref={ref}>
      <table className="heatmap" data-testid="cosine-heatmap" aria-label="Cosine similarity of the task vectors">
        <thead>
          <tr><th />{tasks.map((t) => <th key={t} scope="col"><span>{t}</span></th>)}</tr>
        </thead>
        <tbody>
          {tasks.map((a, i) => (
            <tr key={a}>
              <th scope="row">{a}</th>
              {tasks.map((b, j) => (
                <td key={b} style={{ background: colour(cosine[i][j]), color: Math.abs(cosine[i][j]) > 0.6 ? 'white' : undefined }} title={`cos(τ ${a}, τ ${b}) = ${cosine[i][j].toFixed(4)}`} data-testid="cosine-cell">
                  {cosine[i][j].toFixed(2)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <ChartExport target={ref} name="task-vector cosine similarity" svg={svg} />
    </div>
  );
}
