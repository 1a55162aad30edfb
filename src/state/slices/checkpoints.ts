/**
 * Checkpoints slice: the loaded model folders, each opened (recognised) by the engine, with its
 * summary or its error shown inline, and the two checks a person can run on it: a forward pass on
 * synthetic images and the comparison with golden outputs. Answers from a replaced engine
 * (backend restart) or for a removed checkpoint are dropped.
 */
import { asErrorInfo, type ForwardReport, type Progress } from '../../worker/api';
import type { CheckpointEntry, CheckpointsSlice, ForwardView, LabState, SliceCreator, Task } from './lab-state';

const PREVIEW = 4;

function toView({ embeds, ...rest }: ForwardReport): ForwardView {
  const dim = rest.images > 0 ? embeds.length / rest.images : 0;
  return { ...rest, embedDim: dim, embedPreview: Array.from(embeds.subarray(0, Math.min(PREVIEW, dim))) };
}

export const createCheckpointsSlice: SliceCreator<CheckpointsSlice> = (set, get, ctx) => {
  let nextKey = 1;

  /** Updates one entry, unless it is gone or the engine was restarted since `generation`. */
  const patch = (key: string, generation: number, p: Partial<CheckpointEntry> | ((c: CheckpointEntry) => Partial<CheckpointEntry>)) => {
    if (generation !== ctx.engine.generation) return;
    set((s: LabState) => ({
      checkpoints: s.checkpoints.map((c) => (c.key === key ? { ...c, ...(typeof p === 'function' ? p(c) : p) } : c)),
    }));
  };
  const find = (key: string) => get().checkpoints.find((c) => c.key === key);

  const openOne = async (entry: CheckpointEntry) => {
    const generation = ctx.engine.generation;
    try {
      const api = await ctx.engine.api();
      const opened = await api.openCheckpoint(entry.name, entry.files);
      if (!find(entry.key) || generation !== ctx.engine.generation) {
        await api.closeCheckpoint(opened.id); // removed or replaced meanwhile
        return;
      }
      patch(entry.key, generation, { status: 'ready', engineId: opened.id, summary: opened.summary, hasGolden: opened.hasGolden });
    } catch (e) {
      patch(entry.key, generation, { status: 'error', error: asErrorInfo(e) });
    }
  };

  const fresh = (c: CheckpointEntry): CheckpointEntry => ({
    ...c, status: 'opening', engineId: null, summary: null, hasGolden: false, error: null, forward: { status: 'idle' }, golden: { status: 'idle' },
  });

  const openAll = async (entries: CheckpointEntry[]) => {
    await Promise.all(entries.map(openOne));
    await get().refreshPool();
  };

  /** Runs one of the entry's checks, tracking it in `field`. */
  const runTask = async <T>(key: string, field: 'forward' | 'golden', call: (id: string, onProgress: (p: Progress) => void) => Promise<T>) => {
    const entry = find(key);
    if (!entry || entry.status !== 'ready' || !entry.engineId) return;
    const generation = ctx.engine.generation;
    const put = (t: Task<T>) => patch(key, generation, { [field]: t } as Partial<CheckpointEntry>);
    // Progress comes through its own MessagePort, so a last report may arrive after the result:
    // it must not turn a finished task back into a running one.
    let settled = false;
    put({ status: 'running', progress: null });
    try {
      const result = await call(entry.engineId, (progress) => { if (!settled) put({ status: 'running', progress }); });
      settled = true;
      put({ status: 'done', result });
    } catch (e) {
      settled = true;
      put({ status: 'error', error: asErrorInfo(e) });
    }
  };

  return {
    checkpoints: [],

    async addGroups({ groups, ignored }) {
      if (ignored.length > 0) {
        set((s) => ({ notices: [...s.notices, `Ignored ${ignored.length} file${ignored.length === 1 ? '' : 's'}: ${ignored.join('; ')}`] }));
      }
      const added: CheckpointEntry[] = [];
      const closing: string[] = [];
      let list = [...get().checkpoints];
      for (const g of groups) {
        const entry = fresh({ key: `m${nextKey++}`, name: g.name, files: g.files } as CheckpointEntry);
        const at = list.findIndex((c) => c.name === g.name);
        if (at >= 0) {
          if (list[at].engineId) closing.push(list[at].engineId!);
          list[at] = entry; // the same folder again: replace it
        } else {
          list = [...list, entry];
        }
        added.push(entry);
      }
      set({ checkpoints: list });
      if (closing.length > 0) ctx.engine.api().then((api) => Promise.all(closing.map((id) => api.closeCheckpoint(id)))).catch(() => undefined);
      await openAll(added);
      for (const c of added) if (find(c.key)?.status === 'ready') void get().cacheFolder('checkpoint', c.name, c.files);
    },

    async removeCheckpoint(key) {
      const entry = find(key);
      if (!entry) return;
      set((s) => ({ checkpoints: s.checkpoints.filter((c) => c.key !== key) }));
      if (entry.engineId) await ctx.engine.api().then((api) => api.closeCheckpoint(entry.engineId!)).catch(() => undefined);
      await get().refreshPool();
    },

    runForward: (key) =>
      runTask(key, 'forward', async (id, onProgress) => toView(await (await ctx.engine.api()).runForward(id, { images: 2, seed: 0 }, onProgress))),

    checkGolden: (key) =>
      runTask(key, 'golden', async (id, onProgress) => (await ctx.engine.api()).checkGolden(id, onProgress)),

    async reopenAll() {
      const entries = get().checkpoints.map(fresh);
      set({ checkpoints: entries });
      await openAll(entries);
    },
  };
};
