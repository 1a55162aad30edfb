/**
 * Pool slice: which checkpoint is the pretrained model, and the engine's pool check (same
 * architecture, tensors and shapes) of the other ready checkpoints against it.
 */
import { asErrorInfo } from '../../worker/api';
import { pretrainedKey, readyCheckpoints } from '../checkpoint-selectors';
import type { PoolSlice, SliceCreator } from './lab-state';

export const createPoolSlice: SliceCreator<PoolSlice> = (set, get, ctx) => {
  let latest = 0;
  return {
    pool: { chosenPretrained: null, check: null },

    async setPretrained(key) {
      set((s) => ({ pool: { ...s.pool, chosenPretrained: key } }));
      await get().refreshPool();
    },

    async refreshPool() {
      const call = ++latest;
      const state = get();
      const ready = readyCheckpoints(state);
      const pre = ready.find((c) => c.key === pretrainedKey(state));
      const experts = ready.filter((c) => c !== pre);
      const put = (check: PoolSlice['pool']['check']) => { if (call === latest) set((s) => ({ pool: { ...s.pool, check } })); };
      if (!pre || experts.length === 0) return put(null);
      put({ status: 'running', progress: null });
      try {
        const api = await ctx.engine.api();
        put({ status: 'done', result: await api.checkPool(pre.engineId!, experts.map((c) => c.engineId!)) });
      } catch (e) {
        put({ status: 'error', error: asErrorInfo(e) });
      }
    },
  };
};
