/**
 * Backend slice: starts the engine with the forced backend (URL parameter, else the setting) and
 * shows its choice and reasons; changing the setting persists it and restarts the engine, which
 * then re-opens the loaded checkpoints. When a running engine dies (client.ts), it is restarted
 * and the lab restored (recovery.ts), with a notice that says what happened.
 */
import { asErrorInfo, type ErrorInfo } from '../../worker/api';
import { backendFromUrl, loadBackendSetting, saveBackendSetting } from '../settings';
import { lostWork, mayRestart, restoreLab } from './recovery';
import type { BackendSlice, SliceCreator } from './lab-state';

export const createBackendSlice: SliceCreator<BackendSlice> = (set, get, ctx) => {
  const url = backendFromUrl(ctx.search);
  const crashTimes: number[] = [];
  /** The generation that died before it was ready (its late answer to init must not make it ready). */
  let diedStarting = 0;
  const patch = (p: Partial<BackendSlice['backend']>) => set((s) => ({ backend: { ...s.backend, ...p } }));
  const patchCrash = (p: Partial<NonNullable<BackendSlice['backend']['crash']>>) =>
    set((s) => ({ backend: { ...s.backend, crash: s.backend.crash && { ...s.backend.crash, ...p } } }));

  /** The engine of `generation` died: restart it and restore the lab, unless it never started or dies too often. */
  const crashed = async (generation: number, error: ErrorInfo) => {
    if (ctx.engine.generation !== generation) return; // an engine already replaced
    if (get().backend.status !== 'ready') { // it never started: no restart loop
      diedStarting = generation;
      return patch({ status: 'error', error });
    }
    const now = Date.now();
    crashTimes.push(now);
    const s = get();
    const dropped = s.merge.runs.length + s.train.runs.length;
    set((st) => ({ backend: { ...st.backend, crash: { error, lost: lostWork(s), dropped, state: 'restarting', failure: null, count: crashTimes.length } } }));
    if (!mayRestart(crashTimes, now)) {
      patch({ status: 'error', error });
      return patchCrash({ state: 'failed', failure: `It stopped ${crashTimes.length} times in a few minutes, so it was not restarted by itself.` });
    }
    await recover();
  };

  const recover = async () => {
    const failure = await restoreLab(get, boot);
    patchCrash(failure ? { state: 'failed', failure } : { state: 'recovered', failure: null });
  };

  const boot = async () => {
    const { setting, urlForce } = get().backend;
    const force = urlForce ?? (setting === 'auto' ? null : setting);
    patch({ status: 'starting', choice: null, error: null });
    const generation = ctx.engine.generation + 1;
    try {
      const choice = await ctx.engine.restart(force, (error) => void crashed(generation, error));
      if (ctx.engine.generation === generation && diedStarting !== generation) patch({ status: 'ready', choice });
    } catch (e) {
      if (ctx.engine.generation === generation) patch({ status: 'error', error: asErrorInfo(e) });
    }
  };

  return {
    backend: { setting: loadBackendSetting(ctx.storage), urlForce: url.force, status: 'starting', choice: null, error: null, crash: null },
    notices: url.problem ? [url.problem] : [],

    start: boot,

    async setBackendSetting(setting) {
      saveBackendSetting(ctx.storage, setting);
      ctx.clearUrlForce();
      patch({ setting, urlForce: null });
      await boot();
      await Promise.all([get().reopenAll(), get().reopenSuite()]);
    },

    async restartEngine() {
      crashTimes.length = 0;
      patchCrash({ state: 'restarting', failure: null });
      await recover();
    },

    dismissCrash: () => patch({ crash: null }),

    dismissNotices: () => set({ notices: [] }),
  };
};
