/**
 * The explorer's bias view: the line chart over layers (one line per model: pretrained, base,
 * corrected; a task picker with the all-tasks mean; L1 or cosine), the same numbers as a table
 * (readable without the chart), and a task × layer heatmap per model on one shared colour range.
 */
import type { BiasMetric, BiasReport } from '../../worker/api';
import { BiasHeatmap } from '../plots/BiasHeatmap';
import { BiasLines } from '../plots/BiasLines';
import { type BiasTask, heatmap, lineRows, seriesKeys } from '../plots/bias-data';
import { useLab } from '../store-context';

export function ExplorerBias({ report }: { report: BiasReport }) {
  // In the store (explorerView) so a link restores them; the task is kept by name.
  const metric: BiasMetric = useLab((s) => s.explorerView.metric);
  const taskName = useLab((s) => s.explorerView.task);
  const setView = useLab((s) => s.setExplorerView);
  const setMetric = (m: BiasMetric) => setView({ metric: m });
  const setTask = (t: BiasTask) => setView({ task: t === 'all' ? 'all' : report.tasks[t] });
  const found = report.tasks.indexOf(taskName);
  const task: BiasTask = found < 0 ? 'all' : found;
  const rows = lineRows(report, metric, task);
  const keys = seriesKeys(report);
  const ranges = report.models.map((_, m) => heatmap(report, metric, m));
  const range: [number, number] = [Math.min(...ranges.map((h) => h.min)), Math.max(...ranges.map((h) => h.max))];
  return (
    <div data-testid="explorer-bias">
      <BiasLines report={report} metric={metric} task={task} onMetric={setMetric} onTask={setTask} />
      <div className="table-scroll">
        <table className="accuracy" data-testid="bias-table">
          <caption>{metric === 'l1' ? 'L1' : 'Cosine'} bias to the experts on {task === 'all' ? 'all tasks (mean)' : report.tasks[task]}</caption>
          <thead><tr><th scope="col">model</th>{report.layers.map((l) => <th key={l} scope="col">{l}</th>)}</tr></thead>
          <tbody>
            {keys.map((k, m) => (
              <tr key={k} data-testid="bias-row" data-model={report.models[m].label}>
                <th scope="row">{k}</th>
                {rows.map((r) => <td key={r.layer} className="num" data-layer={r.layer}>{(r[k] as number).toPrecision(3)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h4>Task × layer, per model (one colour range)</h4>
      <div className="scatter-pair">
        {report.models.map((m, i) => <BiasHeatmap key={m.key} report={report} metric={metric} model={i} range={range} cell={26} />)}
      </div>
    </div>
  );
}
