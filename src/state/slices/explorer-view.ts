/**
 * Explorer view slice: how the bias explorer shows its results — the bias metric, the
 * task of the line chart (a task name or the all-tasks mean), the UMAP colouring and side by side —
 * kept in the store so a link restores them (URL keys xm, xt, xc, xp).
 */
import type { SliceCreator } from './lab-state';

export type BiasMetricView = 'l1' | 'cosine';
export type ColorByView = 'task' | 'class' | 'correct';

export interface ExplorerViewSlice {
  explorerView: { metric: BiasMetricView; task: string; colorBy: ColorByView; pair: boolean };
  setExplorerView(p: Partial<ExplorerViewSlice['explorerView']>): void;
}

export const DEFAULT_EXPLORER_VIEW: ExplorerViewSlice['explorerView'] = { metric: 'l1', task: 'all', colorBy: 'task', pair: false };

export const createExplorerViewSlice: SliceCreator<ExplorerViewSlice> = (set) => ({
  explorerView: DEFAULT_EXPLORER_VIEW,
  setExplorerView: (p) => set((s) => ({ explorerView: { ...s.explorerView, ...p } })),
});
