/**
 * Suite slice: the task suite in the lab — picked as a folder or the demo zoo fetched by the
 * worker — with its description (tasks, classes, example images, problems) or why it could not be
 * opened. A new suite replaces the old one (and the merges evaluated on it). An opening that builds
 * heads from the text tower can be cancelled (back to no suite).
 */
import { asErrorInfo } from '../../worker/api';
import type { SliceCreator } from './lab-state';
import type { SuiteSlice, SuiteSource } from './suite-merge-slices';

/** The picked folder's name: the first path segment shared by the files ("mini8/manifest.json" → "mini8"). */
const folderName = (paths: string[]) => paths[0]?.split('/').find((p) => p !== '' && p !== '.') ?? 'suite';

export const createSuiteSlice: SliceCreator<SuiteSlice> = (set, get, ctx) => {
  let latest = 0;
  /** The jobId of the opening in progress (its heads building can be cancelled). */
  let opening: string | null = null;

  const open = async (source: SuiteSource) => {
    const call = ++latest;
    const generation = ctx.engine.generation;
    const old = get().suite.info;
    const attempt = get().suite.attempt + 1;
    set({ suite: { status: 'loading', progress: null, info: null, error: null, source, attempt } });
    await get().resetLab();
    const stale = () => call !== latest || generation !== ctx.engine.generation;
    try {
      const api = await ctx.engine.api();
      if (old) await api.closeSuite(old.id).catch(() => undefined);
      const onProgress = (progress: SuiteSlice['suite']['progress']) => { if (!stale()) set((s) => ({ suite: { ...s.suite, progress } })); };
      const jobId = `open-suite-${call}`;
      opening = jobId;
      const info = source.kind === 'url' ? await api.openServedSuite(source.url, onProgress) : await api.openSuite(source.name, source.files, onProgress, { jobId });
      if (stale()) return void api.closeSuite(info.id).catch(() => undefined);
      set({ suite: { status: 'ready', progress: null, info, error: null, source, attempt } });
      if (source.kind === 'files') void get().cacheFolder('suite', source.name, source.files, info.id);
    } catch (e) {
      const error = asErrorInfo(e);
      if (stale()) return;
      if (error.code === 'cancelled') set({ suite: { status: 'idle', progress: null, info: null, error: null, source: null, attempt } });
      else set({ suite: { status: 'error', progress: null, info: null, error, source, attempt } });
    } finally {
      if (call === latest) opening = null;
    }
  };

  return {
    suite: { status: 'idle', progress: null, info: null, error: null, source: null, attempt: 0 },

    loadSuite: (files, name) => open({ kind: 'files', name: name ?? folderName(files.map((f) => f.path)), files }),

    async cancelSuiteOpen() {
      const jobId = opening;
      if (jobId) await ctx.engine.api().then((api) => api.cancel(jobId)).catch(() => undefined);
    },

    loadDemo: () => open({ kind: 'url', url: ctx.demoUrl }),

    async closeSuite() {
      latest++;
      const old = get().suite.info;
      set((s) => ({ suite: { status: 'idle', progress: null, info: null, error: null, source: null, attempt: s.suite.attempt } }));
      await get().resetLab();
      if (old) await ctx.engine.api().then((api) => api.closeSuite(old.id)).catch(() => undefined);
    },

    async reopenSuite() {
      const { source } = get().suite;
      if (source) await open(source);
    },
  };
};
