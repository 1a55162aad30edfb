/**
 * Backend slice: starts the engine with the forced backend (URL parameter, else the setting) and
 * shows its choice and reasons; changing the setting persists it and restarts the engine, which
 * then re-opens the loaded checkpoints.
 */
import { asErrorInfo } from '../../worker/api';
import { backendFromUrl, loadBackendSetting, saveBackendSetting } from '../settings';
import type { BackendSlice, SliceCreator } from './types';

export const createBackendSlice: SliceCreator<BackendSlice> = (set, get, ctx) => {
  const url = backendFromUrl(ctx.search);

  const boot = async () => {
    const { setting, urlForce } = get().backend;
    const force = urlForce ?? (setting === 'auto' ? null : setting);
    set((s) => ({ backend: { ...s.backend, status: 'starting', choice: null, error: null } }));
    const generation = ctx.engine.generation + 1;
    const onCrash = (error: BackendSlice['backend']['error']) => {
      if (ctx.engine.generation === generation) set((s) => ({ backend: { ...s.backend, status: 'error', error } }));
    };
    try {
      const choice = await ctx.engine.restart(force, onCrash);
      if (ctx.engine.generation === generation) set((s) => ({ backend: { ...s.backend, status: 'ready', choice } }));
    } catch (e) {
      onCrash(asErrorInfo(e));
    }
  };

  return {
    backend: { setting: loadBackendSetting(ctx.storage), urlForce: url.force, status: 'starting', choice: null, error: null },
    notices: url.problem ? [url.problem] : [],

    start: boot,

    async setBackendSetting(setting) {
      saveBackendSetting(ctx.storage, setting);
      ctx.clearUrlForce();
      set((s) => ({ backend: { ...s.backend, setting, urlForce: null } }));
      await boot();
      await Promise.all([get().reopenAll(), get().reopenSuite()]);
    },

    dismissNotices: () => set({ notices: [] }),
  };
};
