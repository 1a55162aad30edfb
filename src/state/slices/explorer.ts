/**
 * Explorer slice: which base merge run and which corrected (training) run of the loaded
 * suite the bias explorer compares — by default the latest merge and the latest training run on
 * it — on how many images per task; the bias report (pretrained, base, corrected against the
 * experts) from the engine worker; and one shared UMAP layout of the experts', the base's and the
 * corrected model's features, computed in the embedding worker (not the tfjs one) with progress
 * and cancel. The layout's typed arrays (positions, features for neighbour look-ups) are kept
 * outside the state, by key (`explorerScatter`), so big arrays stay out of the store.
 */
import { DEFAULT_BUDGET } from '../../engine/embed/constants';
import type { EmbedProgress, SharedLayout } from '../../engine/embed/embed';
import { CancelledError } from '../../engine/errors';
import { asErrorInfo, type BiasReport, EXPLORER_IMAGES, type ErrorInfo, type ExplorerFeatures, type ExplorerModel, type Progress, type Thumbnail } from '../../worker/api';
import type { EmbedHandle } from '../../browser/embed-client';
import type { MergeRun } from './suite-merge-slices';
import type { TrainRun } from './train';
import type { LabState, SliceCreator, Task } from './lab-state';

export interface ExplorerLayout {
  /** Look the layout and its features up with explorerScatter(key). */
  key: string;
  points: number;
  seconds: number;
}

/** A finished layout and the feature sets it was fitted on. */
export interface ExplorerScatter {
  features: ExplorerFeatures;
  layout: SharedLayout;
}

/** A result is shown only while it answers the current question (suite, models, images, budget). */
type Job<T> = Task<T & { question: string }> & { jobId?: string };

export interface ExplorerSlice {
  explorer: {
    /** A merge run's key; null = the latest merge run on the suite. */
    baseKey: string | null;
    /** A training run's key, 'none', or null = the latest training run on the base. */
    correctedKey: string | null;
    /** Images per task measured (of the suite's class-stratified sample). */
    limit: number;
    /** UMAP points over all sets, or all points. */
    budget: number | 'all';
    /** With the images per task measured (fewer than asked when a training run kept fewer). */
    bias: Job<BiasReport & { limit: number }>;
    layout: Job<ExplorerLayout>;
  };
  setExplorerBase(key: string | null): void;
  setExplorerCorrected(key: string | null): void;
  setExplorerLimit(n: number): void;
  setExplorerBudget(b: number | 'all'): void;
  measureBias(): Promise<void>;
  computeLayout(): Promise<void>;
  cancelExplorer(): Promise<void>;
  /** The scatter data of a finished layout (not in the state: typed arrays). */
  explorerScatter(key: string): ExplorerScatter | undefined;
  /** A test image of the loaded suite, small, for the scatter's hover. */
  explorerThumbnail(task: string, index: number): Promise<Thumbnail>;
}

/** What a bias or layout result answers: the suite, the models compared, the images and the point budget. */
export function explorerQuestion(s: LabState, kind: 'bias' | 'layout'): string {
  const { base, corrected } = explorerRuns(s);
  return JSON.stringify([kind, s.suite.info?.id, base?.key, corrected?.key, s.explorer.limit, kind === 'layout' ? s.explorer.budget : null]);
}

/** The base and corrected runs the explorer compares (defaults resolved), from the loaded suite's runs. */
export function explorerRuns(s: LabState): { bases: MergeRun[]; corrections: TrainRun[]; base: MergeRun | null; corrected: TrainRun | null } {
  const suiteId = s.suite.info?.id;
  const bases = s.merge.runs.filter((r) => r.merged.suiteId === suiteId && suiteId !== undefined);
  const corrections = s.train.runs.filter((r) => r.suiteId === suiteId && r.result.trainedId !== undefined);
  const base = bases.find((r) => r.key === s.explorer.baseKey) ?? bases.at(-1) ?? null;
  const key = s.explorer.correctedKey;
  const onBase = (r: TrainRun) => base !== null && r.baseLabel + (r.limit ? ` · sample of ${r.limit} images` : '') === base.label;
  const corrected = key === 'none' ? null : corrections.find((r) => r.key === key) ?? corrections.filter(onBase).at(-1) ?? corrections.at(-1) ?? null;
  return { bases, corrections, base, corrected };
}

const EMBED_STAGE: Record<EmbedProgress['stage'], string> = { pca: 'PCA to 50 dimensions', knn: 'nearest neighbours', graph: 'neighbour graph', layout: 'layout epochs' };

export const createExplorerSlice: SliceCreator<ExplorerSlice> = (set, get, ctx) => {
  let nextJob = 1;
  let embed: EmbedHandle | null = null;
  const scatters = new Map<string, ExplorerScatter>();
  const patch = (p: Partial<ExplorerSlice['explorer']>) => set((s) => ({ explorer: { ...s.explorer, ...p } }));
  const usage = (message: string, hint: string): ErrorInfo => ({ name: 'Error', code: 'usage', message, hint });

  /** The models to compare, or why there are none. */
  const models = (): { suiteId: string; list: ExplorerModel[] } | ErrorInfo => {
    const s = get();
    const suiteId = s.suite.info?.id;
    if (!suiteId) return usage('There is no suite loaded.', 'Load a suite (or Load demo) first.');
    const { base, corrected } = explorerRuns(s);
    if (!base) return usage('There is no merge to explore yet.', 'Merge first (e.g. Task Arithmetic in the Merge panel), then come back.');
    const list: ExplorerModel[] = [{ ref: { kind: 'merge', id: base.merged.id }, label: base.label }];
    if (corrected) list.push({ ref: { kind: 'trained', id: corrected.result.trainedId }, label: corrected.label });
    return { suiteId, list };
  };

  /** Runs one explorer job; `live` turns false once the engine restarts or another job of this kind replaces it. */
  const job = async <K extends 'bias' | 'layout'>(kind: K, run: (jobId: string, progress: (p: Progress) => void, live: () => boolean) => Promise<Omit<Extract<ExplorerSlice['explorer'][K], { status: 'done' }>['result'], 'question'>>) => {
    const jobId = `explorer-${kind}-${nextJob++}`;
    const generation = ctx.engine.generation;
    const question = explorerQuestion(get(), kind);
    const live = () => generation === ctx.engine.generation && get().explorer[kind].jobId === jobId;
    const put = (t: ExplorerSlice['explorer'][K]) => patch({ [kind]: t } as Partial<ExplorerSlice['explorer']>);
    put({ status: 'running', progress: null, jobId } as ExplorerSlice['explorer'][K]);
    try {
      const result = await run(jobId, (progress) => { if (live()) put({ status: 'running', progress, jobId } as ExplorerSlice['explorer'][K]); }, live);
      if (live()) put({ status: 'done', result: { ...result, question } } as ExplorerSlice['explorer'][K]);
    } catch (e) {
      if (!live()) return;
      const error = asErrorInfo(e);
      put((error.code === 'cancelled' ? { status: 'idle' } : { status: 'error', error }) as ExplorerSlice['explorer'][K]);
    }
  };

  const embedApi = () => {
    if (!ctx.startEmbed) throw usage('This page has no embedding worker.', 'Open the lab in a browser that runs module workers.');
    embed ??= ctx.startEmbed((error) => { embed = null; patch({ layout: { status: 'error', error } }); });
    return embed.api;
  };

  return {
    explorer: { baseKey: null, correctedKey: null, limit: EXPLORER_IMAGES, budget: DEFAULT_BUDGET, bias: { status: 'idle' }, layout: { status: 'idle' } },

    setExplorerBase: (baseKey) => patch({ baseKey, correctedKey: null }),
    setExplorerCorrected: (correctedKey) => patch({ correctedKey }),
    setExplorerLimit: (limit) => patch({ limit }),
    setExplorerBudget: (budget) => patch({ budget }),

    async measureBias() {
      const m = models();
      if (!('list' in m)) return patch({ bias: { status: 'error', error: m } });
      const list: ExplorerModel[] = [{ ref: { kind: 'pretrained' }, label: 'Pretrained' }, ...m.list];
      await job('bias', async (jobId, progress) => (await ctx.engine.api()).explorerBias(m.suiteId, list, { limit: get().explorer.limit, jobId }, progress));
    },

    async computeLayout() {
      const m = models();
      if (!('list' in m)) return patch({ layout: { status: 'error', error: m } });
      const { limit, budget } = get().explorer;
      await job('layout', async (jobId, progress, live) => {
        const t0 = performance.now();
        const features = await (await ctx.engine.api()).explorerFeatures(m.suiteId, m.list, { limit, budget, seed: 0, jobId }, progress);
        if (!live()) throw new CancelledError('layout'); // cancelled while the features came: no layout
        const api = embedApi();
        const layout = await api.embed(features.sets, { budget: 'all', seed: 0 }, (p) => progress({ stage: EMBED_STAGE[p.stage], done: p.done, total: p.total }));
        const key = layout.sets.join('\n');
        scatters.set(key, { features, layout });
        return { key, points: layout.positions.length / 2, seconds: (performance.now() - t0) / 1000 };
      });
    },

    async cancelExplorer() {
      const { bias, layout } = get().explorer;
      const ids = [bias, layout].flatMap((j) => (j.status === 'running' && j.jobId ? [j.jobId] : []));
      if (layout.status === 'running') { patch({ layout: { status: 'idle' } }); void embed?.api.cancel(); }
      if (bias.status === 'running') patch({ bias: { status: 'idle' } });
      await ctx.engine.api().then((api) => Promise.all(ids.map((id) => api.cancel(id)))).catch(() => undefined);
    },

    explorerScatter: (key) => scatters.get(key),

    async explorerThumbnail(task, index) {
      const suiteId = get().suite.info?.id;
      if (!suiteId) throw usage('There is no suite loaded.', 'Load a suite first.');
      return (await ctx.engine.api()).testImageThumbnail(suiteId, task, index);
    },
  };
};
