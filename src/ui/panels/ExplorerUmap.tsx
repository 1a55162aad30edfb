/**
 * The explorer's UMAP view of one shared layout (experts, base merge, corrected model): a single
 * scatter with the layout switch (animated; "Play" steps expert → merged → corrected), lines to
 * the experts' points, colouring by task/class/correct, hover details with the image thumbnail
 * (fetched from the engine once per image, drawn into a data URL) and click for neighbours; or
 * side by side (base vs corrected, both with lines to the experts) with linked hover.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ExplorerScatter } from '../../state/slices/explorer';
import type { Thumbnail } from '../../worker/api';
import type { ColorBy } from '../plots/colors';
import { Scatter } from '../plots/Scatter';
import { ScatterPair } from '../plots/ScatterPair';
import { ScatterToolbar } from '../plots/ScatterToolbar';
import { scatterData } from '../plots/scatter-data';
import { useLab } from '../store-context';

const STEP_MS = 1100;

function dataUrl(t: Thumbnail): string {
  const canvas = document.createElement('canvas');
  canvas.width = t.width;
  canvas.height = t.height;
  canvas.getContext('2d')?.putImageData(new ImageData(new Uint8ClampedArray(t.rgba), t.width, t.height), 0, 0);
  return canvas.toDataURL('image/png');
}

/** row → thumbnail URL, fetching each image once; re-renders when one arrives. */
function useThumbnails(s: ExplorerScatter): (row: number) => string | undefined {
  const fetchThumbnail = useLab((st) => st.explorerThumbnail);
  const [urls, setUrls] = useState<ReadonlyMap<number, string>>(new Map());
  const asked = useRef(new Set<number>());
  useEffect(() => { asked.current = new Set(); setUrls(new Map()); }, [s]);
  return useCallback((row: number) => {
    const url = urls.get(row);
    if (url || asked.current.has(row)) return url;
    asked.current.add(row);
    const image = s.layout.images[row];
    fetchThumbnail(s.features.taskNames[s.features.tasks[image]], s.features.indices[image])
      .then((t) => setUrls((m) => new Map(m).set(row, dataUrl(t))))
      .catch(() => undefined); // no thumbnail: the details show without it
    return undefined;
  }, [urls, s, fetchThumbnail]);
}

export function ExplorerUmap({ scatter }: { scatter: ExplorerScatter }) {
  const data = useMemo(() => scatterData(scatter.features, scatter.layout), [scatter]);
  const ids = data.layouts.map((l) => l.id);
  const [active, setActive] = useState(ids[1] ?? ids[0]);
  const [linesTo, setLinesTo] = useState<string | null>(ids[0]);
  // In the store (explorerView) so a link restores them.
  const colorBy: ColorBy = useLab((s) => s.explorerView.colorBy);
  const pair = useLab((s) => s.explorerView.pair);
  const setView = useLab((s) => s.setExplorerView);
  const setColorBy = (c: ColorBy) => setView({ colorBy: c });
  const setPair = (p: boolean) => setView({ pair: p });
  const [playing, setPlaying] = useState(false);
  const thumbnail = useThumbnails(scatter);
  useEffect(() => { setActive(ids[1] ?? ids[0]); setLinesTo(ids[0]); }, [data]);
  useEffect(() => {
    if (!playing) return;
    const timers = ids.map((id, i) => setTimeout(() => setActive(id), i * STEP_MS));
    const end = setTimeout(() => setPlaying(false), ids.length * STEP_MS);
    return () => { timers.forEach(clearTimeout); clearTimeout(end); };
  }, [playing]);
  const common = { layouts: data.layouts, colorBy, info: data.info, taskNames: data.taskNames, classNames: data.classNames, features: data.features, thumbnail };
  const [left, right] = ids.length > 2 ? [ids[1], ids[2]] : [ids[0], ids[1]];
  const label = (id: string) => data.layouts.find((l) => l.id === id)!.label;
  return (
    <div data-testid="explorer-umap">
      <div className="scatter-toolbar">
        <label><input type="checkbox" checked={pair} onChange={(e) => setPair(e.currentTarget.checked)} data-testid="umap-pair" /> Side by side</label>
        {!pair && <button type="button" className="secondary-button" disabled={playing} onClick={() => setPlaying(true)} aria-label={`Play ${data.layouts.map((l) => l.label).join(' → ')}`}>Play {['expert', 'merged', 'corrected'].slice(0, data.layouts.length).join(' → ')}</button>}
      </div>
      {pair ? (
        <>
          <ScatterToolbar layouts={data.layouts} active={left} linesTo={linesTo} onLinesTo={setLinesTo} colorBy={colorBy} onColorBy={setColorBy} />
          <ScatterPair
            left={{ ...common, active: left, linesTo, title: label(left), width: 420, height: 380 }}
            right={{ ...common, active: right, linesTo, title: label(right), width: 420, height: 380 }} />
        </>
      ) : (
        <>
          <ScatterToolbar layouts={data.layouts} active={active} onActive={setActive} linesTo={linesTo} onLinesTo={setLinesTo} colorBy={colorBy} onColorBy={setColorBy} />
          <Scatter {...common} active={active} linesTo={linesTo} />
        </>
      )}
      <p className="muted">
        {data.layouts.length} models × {scatter.layout.images.length} images in one layout (PCA to {scatter.layout.pca.dims} dimensions keeping{' '}
        {(100 * scatter.layout.pca.explained).toFixed(0)} % of the variance, then UMAP). Lines join each image's point to its expert's point: the
        longer, the more the model's feature drifted. Hover a point for the image and every model's prediction, click for its nearest
        neighbours in the original feature space; wheel to zoom, drag to pan, double-click to reset.
      </p>
    </div>
  );
}
