/**
 * The interactive UMAP scatter, drawn on one canvas: one point per row of a shared
 * layout, coloured by task, class or correct/incorrect; switching the active layout (expert →
 * merged → corrected) animates the points; optional lines from each point to its position in a
 * reference layout (the bias made visible); hover for details (thumbnail, true label, each
 * model's prediction); click for the nearest neighbours in the original feature space; wheel to
 * zoom, drag to pan, double-click to reset; legend; PNG export. Keyboard: arrows step through the
 * points (details as on hover), Enter lists the neighbours, + and − zoom, Escape resets. Props are plain data; hover can be
 * controlled (`hovered` + `onHover`) to link two panels (the panel under the mouse shows the
 * details, the other rings the same image). The math lives in view.ts, grid-index.ts,
 * neighbours.ts and colors.ts.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { type ColorBy, cssColor, legendEntries, pointColor, type PointInfo } from './colors';
import { GridIndex } from './grid-index';
import { type Neighbour, nearestInFeatureSpace } from './neighbours';
import { useTheme } from '../theme/theme';
import type { FeatureTable, ScatterLayout } from './scatter-data';
import { boundsOf, fitView, interpolate, pan, toData, toScreen, type View, zoomAt } from './view';
import './plots.css';

export type { ScatterLayout } from './scatter-data';

export interface ScatterProps {
  layouts: ScatterLayout[];
  /** Id of the layout shown. */
  active: string;
  /** Draw a line from each point to its position in this layout (e.g. the expert's). */
  linesTo?: string | null;
  colorBy: ColorBy;
  info: PointInfo;
  taskNames: string[];
  classNames: string[][];
  /** Layout id → that model's original features, for nearest neighbours on click. */
  features?: FeatureTable;
  /** A data URL (or any image URL) for row r, shown on hover. */
  thumbnail?: (row: number) => string | undefined;
  hovered?: number | null;
  onHover?: (row: number | null) => void;
  width?: number;
  height?: number;
  title?: string;
}

const ANIMATION_MS = 600;
const HIT_PX = 6;

export function Scatter(props: ScatterProps) {
  const theme = useTheme(); // redraw in the new palette when the theme changes
  const { layouts, active, linesTo, colorBy, info, width = 560, height = 460 } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const target = layouts.find((l) => l.id === active) ?? layouts[0];
  const home = useMemo(() => fitView(boundsOf(...layouts.map((l) => l.positions)), width, height), [layouts, width, height]);
  const [view, setView] = useState<View>(home);
  useEffect(() => setView(home), [home]);
  const [shown, setShown] = useState<Float32Array>(target.positions);
  const [ownHover, setOwnHover] = useState<number | null>(null);
  const hovered = props.hovered !== undefined ? props.hovered : ownHover;
  const setHover = (r: number | null) => { setOwnHover(r); props.onHover?.(r); };
  const [mouse, setMouse] = useState<[number, number]>([0, 0]);
  const [selected, setSelected] = useState<{ row: number; neighbours: Neighbour[] } | null>(null);
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);

  useEffect(() => { // animate from what is shown to the new target
    const from = shown;
    if (from === target.positions || from.length !== target.positions.length) { setShown(target.positions); return; }
    const start = performance.now();
    const out = new Float32Array(from.length);
    let frame = 0;
    const tick = (now: number) => {
      const t = (now - start) / ANIMATION_MS;
      setShown(t >= 1 ? target.positions : interpolate(from, target.positions, t, out).slice());
      if (t < 1) frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [target.positions]); // only a new target starts an animation (from whatever is shown then)

  const grid = useMemo(() => new GridIndex(target.positions), [target.positions]);
  const groups = useMemo(() => { // rows per colour: one fill per colour per frame
    const g = new Map<string, number[]>();
    for (let r = 0; r < target.positions.length / 2; r++) {
      const c = pointColor(info, colorBy, target.id, r);
      const list = g.get(c);
      if (list) list.push(r); else g.set(c, [r]);
    }
    return g;
  }, [info, colorBy, target]);
  const lines = linesTo && linesTo !== target.id ? layouts.find((l) => l.id === linesTo)?.positions : undefined;

  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const dpr = globalThis.devicePixelRatio || 1;
    el.width = width * dpr;
    el.height = height * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const ink = cssColor('--ink', 'black');
    ctx.fillStyle = cssColor('--panel', 'white');
    ctx.fillRect(0, 0, width, height);
    if (lines) {
      ctx.strokeStyle = cssColor('--muted', 'gray');
      ctx.globalAlpha = 0.3;
      ctx.lineWidth = 0.7;
      ctx.beginPath();
      for (let r = 0; r < shown.length / 2; r++) {
        const [x0, y0] = toScreen(view, shown[2 * r], shown[2 * r + 1]);
        const [x1, y1] = toScreen(view, lines[2 * r], lines[2 * r + 1]);
        ctx.moveTo(x0, y0);
        ctx.lineTo(x1, y1);
      }
      ctx.stroke();
      ctx.globalAlpha = 1;
    }
    for (const [color, rows] of groups) {
      ctx.fillStyle = color;
      ctx.beginPath();
      for (const r of rows) {
        const [x, y] = toScreen(view, shown[2 * r], shown[2 * r + 1]);
        ctx.rect(x - 1.5, y - 1.5, 3, 3);
      }
      ctx.fill();
    }
    const ring = (r: number, color: string, radius: number) => {
      const [x, y] = toScreen(view, shown[2 * r], shown[2 * r + 1]);
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.stroke();
    };
    if (selected) { ring(selected.row, ink, 6); for (const n of selected.neighbours) ring(n.index, cssColor('--accent', 'blue'), 5); }
    if (hovered !== null && hovered < shown.length / 2) ring(hovered, ink, 5);
  }, [shown, view, groups, lines, hovered, selected, width, height, theme]);

  useEffect(() => { // wheel zoom needs a non-passive listener to keep the page from scrolling
    const el = canvas.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      setView((v) => zoomAt(v, e.clientX - rect.left, e.clientY - rect.top, Math.exp(-e.deltaY * 0.0015)));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, []);

  const local = (e: React.MouseEvent) => { const r = canvas.current!.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top] as [number, number]; };
  const hit = (sx: number, sy: number) => { const [x, y] = toData(view, sx, sy); const i = grid.nearest(x, y, HIT_PX / view.scale); return i < 0 ? null : i; };
  const onMove = (e: React.MouseEvent) => {
    const [sx, sy] = local(e);
    setMouse([sx, sy]);
    if (drag.current) {
      const dx = sx - drag.current.x, dy = sy - drag.current.y;
      if (Math.abs(dx) + Math.abs(dy) > 2) drag.current.moved = true;
      drag.current.x = sx; drag.current.y = sy;
      setView((v) => pan(v, dx, dy));
      return;
    }
    const r = hit(sx, sy);
    if (r !== hovered) setHover(r);
  };
  const onUp = (e: React.MouseEvent) => {
    const moved = drag.current?.moved;
    drag.current = null;
    if (moved) return;
    const r = hit(...local(e));
    const f = props.features?.[target.id];
    setSelected(r === null ? null : { row: r, neighbours: f ? nearestInFeatureSpace(f.z, f.dim, r, 8) : [] });
  };
  const onKey = (e: React.KeyboardEvent) => {
    const n = target.positions.length / 2;
    const at = (r: number) => { setHover(r); setMouse(toScreen(view, shown[2 * r], shown[2 * r + 1])); };
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') at(hovered === null ? 0 : (hovered + 1) % n);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') at(hovered === null ? n - 1 : (hovered - 1 + n) % n);
    else if (e.key === 'Enter' && hovered !== null) {
      const f = props.features?.[target.id];
      setSelected({ row: hovered, neighbours: f ? nearestInFeatureSpace(f.z, f.dim, hovered, 8) : [] });
    } else if (e.key === '+' || e.key === '=' || e.key === '-') setView((v) => zoomAt(v, width / 2, height / 2, e.key === '-' ? 1 / 1.25 : 1.25));
    else if (e.key === 'Escape') { setView(home); setSelected(null); setHover(null); }
    else return;
    e.preventDefault();
  };
  const exportPng = () => {
    const a = document.createElement('a');
    a.href = canvas.current!.toDataURL('image/png');
    a.download = `${(props.title ?? 'umap').replace(/[^\w.-]+/g, '_')}.png`;
    a.click();
  };
  const legend = legendEntries(colorBy, props.taskNames, props.classNames);

  return (
    <figure className="scatter" data-testid="scatter">
      <figcaption className="scatter-head">
        <span>{props.title ?? target.label}</span>
        <button type="button" onClick={() => setView(home)}>Reset view</button>
        <button type="button" onClick={exportPng}>Export PNG</button>
      </figcaption>
      <div className="scatter-stage" style={{ width, height }}>
        <canvas ref={canvas} style={{ width, height }} data-testid="scatter-canvas" tabIndex={0} role="application" onKeyDown={onKey}
          aria-label={`${props.title ?? target.label}: scatter of ${target.positions.length / 2} points; arrow keys step through them, Enter lists neighbours, plus and minus zoom, Escape resets`}
          onMouseDown={(e) => { const [x, y] = local(e); drag.current = { x, y, moved: false }; }}
          onMouseMove={onMove} onMouseUp={onUp} onDoubleClick={() => setView(home)}
          onMouseLeave={() => { drag.current = null; setHover(null); }} />
        {hovered !== null && ownHover === hovered && <PointDetails {...props} row={hovered} at={mouse} />}
      </div>
      <ul className="legend">{legend.map((e) => <li key={e.label}><i style={{ background: e.color }} />{e.label}</li>)}</ul>
      {selected && <NeighbourList {...props} row={selected.row} neighbours={selected.neighbours} layout={target.label} />}
    </figure>
  );
}

function describe(p: ScatterProps, row: number): { task: string; truth: string; className: (c: number) => string } {
  const t = p.info.tasks[row];
  const names = p.classNames[t] ?? [];
  const className = (c: number) => names[c] ?? `class ${c}`;
  return { task: p.taskNames[t] ?? `task ${t}`, truth: className(p.info.labels[row]), className };
}

function PointDetails(p: ScatterProps & { row: number; at: [number, number] }) {
  const d = describe(p, p.row);
  const src = p.thumbnail?.(p.row);
  return (
    <div className="scatter-tip" data-testid="scatter-tip" style={{ left: p.at[0] + 14, top: p.at[1] + 10 }}>
      {src && <img src={src} alt="" width={64} height={64} />}
      <div><b>{d.task}</b> · true: {d.truth}</div>
      {p.layouts.map((l) => {
        const pred = p.info.predictions[l.id]?.[p.row];
        return pred === undefined ? null : <div key={l.id}>{l.label}: {d.className(pred)} {pred === p.info.labels[p.row] ? '✓' : '✗'}</div>;
      })}
    </div>
  );
}

function NeighbourList(p: ScatterProps & { row: number; neighbours: Neighbour[]; layout: string }) {
  if (!p.features) return <p className="muted">Nearest neighbours need the original features.</p>;
  return (
    <div className="neighbours" data-testid="scatter-neighbours">
      <div>Nearest in {p.layout}'s feature space to point {p.row} ({describe(p, p.row).truth}):</div>
      <ol>
        {p.neighbours.map((n) => {
          const src = p.thumbnail?.(n.index);
          return <li key={n.index}>{src && <img src={src} alt="" width={32} height={32} />} {describe(p, n.index).task} · {describe(p, n.index).truth} · cos {n.similarity.toFixed(3)}</li>;
        })}
      </ol>
    </div>
  );
}
