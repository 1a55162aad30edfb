/**
 * PNG and SVG buttons for a chart: exports the chart's main SVG (the largest one) inside
 * `target`, a canvas as PNG only, or the markup `svg()` builds for charts drawn as HTML (the
 * cosine heatmap). Errors are shown beside the buttons.
 */
import { useState, type RefObject } from 'react';
import { canvasPng, svgMarkup, svgToPng } from './chart-image';
import { fileSlug, saveBlob } from './download';
import './export.css';

export function ChartExport({ target, name, svg }: { target: RefObject<HTMLElement | null>; name: string; svg?: () => string }) {
  const [error, setError] = useState<string | null>(null);
  const file = fileSlug(name);
  const find = () => {
    const root = target.current;
    // The chart is the largest SVG inside (recharts also draws each legend icon as an svg).
    const area = (e: Element) => { const b = e.getBoundingClientRect(); return b.width * b.height; };
    const el = [...(root?.querySelectorAll<SVGSVGElement>('svg') ?? [])].sort((a, b) => area(b) - area(a))[0] ?? null;
    return { markup: svg ? svg() : el ? svgMarkup(el) : null, canvas: root?.querySelector('canvas') ?? null };
  };
  const run = (fn: () => Promise<void>) => () => { setError(null); fn().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e))); };
  const png = run(async () => {
    const { markup, canvas } = find();
    if (markup) saveBlob(`${file}.png`, await svgToPng(markup));
    else if (canvas) saveBlob(`${file}.png`, await canvasPng(canvas));
    else throw new Error('The chart is not drawn yet.');
  });
  const svgOut = run(async () => {
    const { markup } = find();
    if (!markup) throw new Error('This chart has no SVG form.');
    saveBlob(`${file}.svg`, new Blob([markup], { type: 'image/svg+xml' }));
  });
  return (
    <span className="chart-export" data-testid="chart-export">
      <button type="button" className="link" onClick={png} aria-label={`Download ${name} as PNG`}>PNG</button>
      <button type="button" className="link" onClick={svgOut} aria-label={`Download ${name} as SVG`}>SVG</button>
      {error && <span className="error-text" role="alert">{error}</span>}
    </span>
  );
}
