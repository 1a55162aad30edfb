/** Controls for a Scatter: which layout is shown (expert → merged → corrected; without onActive, no switch), lines to a reference layout, colouring. */
import type { ColorBy } from './colors';
import type { ScatterLayout } from './scatter-data';

export interface ScatterToolbarProps {
  layouts: Pick<ScatterLayout, 'id' | 'label'>[];
  active: string;
  onActive?: (id: string) => void;
  linesTo: string | null;
  onLinesTo: (id: string | null) => void;
  colorBy: ColorBy;
  onColorBy: (c: ColorBy) => void;
}

export function ScatterToolbar(p: ScatterToolbarProps) {
  return (
    <div className="scatter-toolbar" role="toolbar">
      {p.onActive && (
        <span className="segmented" role="group" aria-label="Layout shown">
          {p.layouts.map((l) => (
            <button key={l.id} type="button" aria-pressed={l.id === p.active} onClick={() => p.onActive!(l.id)}>{l.label}</button>
          ))}
        </span>
      )}
      <label>Lines to{' '}
        <select value={p.linesTo ?? ''} onChange={(e) => p.onLinesTo(e.target.value || null)}>
          <option value="">none</option>
          {p.layouts.map((l) => <option key={l.id} value={l.id}>{l.label}</option>)}
        </select>
      </label>
      <label>Colour by{' '}
        <select value={p.colorBy} onChange={(e) => p.onColorBy(e.target.value as ColorBy)}>
          <option value="task">task</option>
          <option value="class">class</option>
          <option value="correct">correct / incorrect</option>
        </select>
      </label>
    </div>
  );
}
