/** Cosine similarity of the task vectors as a heatmap (a table with coloured cells: red positive, blue negative). */
import { useRef } from 'react';
import { ChartExport } from '../export/ChartExport';
import { matrixSvg } from '../export/heatmap-svg';

/** Cell colour: the theme's --heat-pos / --heat-neg ("r, g, b" in styles.css), more opaque with |v|; `rgb` resolves them for an exported file. */
function colour(v: number, rgb = (name: string) => `var(${name})`): string {
  const a = Math.min(1, Math.abs(v));
  return `rgba(${rgb(v >= 0 ? '--heat-pos' : '--heat-neg')}, ${0.08 + 0.85 * a})`;
}

/** Text on a strong cell (|v| > 0.6) takes the theme's --heat-strong-fg; weaker cells keep the page's ink. */
const strong = (v: number) => Math.abs(v) > 0.6;

export function CosineHeatmap({ tasks, cosine }: { tasks: string[]; cosine: number[][] }) {
  const ref = useRef<HTMLDivElement>(null);
  const svg = () => {
    const css = getComputedStyle(document.documentElement);
    const prop = (name: string) => css.getPropertyValue(name).trim();
    const ink = prop('--ink');
    return matrixSvg(tasks, cosine, { cell: (v) => colour(v, prop), text: (v) => (strong(v) ? prop('--heat-strong-fg') : ink), ink, background: prop('--panel') });
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
                <td key={b} style={{ background: colour(cosine[i][j]), color: strong(cosine[i][j]) ? 'var(--heat-strong-fg)' : undefined }} title={`cos(τ ${a}, τ ${b}) = ${cosine[i][j].toFixed(4)}`} data-testid="cosine-cell">
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
