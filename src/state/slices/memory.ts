/**
 * Memory slice: the engine's tfjs memory for the header's indicator, read when
 * the header polls (about every 2 s while the page is visible). A poll while the previous one is
 * still waiting (the worker is busy between awaits) is skipped, so polls never pile up.
 */
import type { EngineMemory } from '../../worker/api';
import type { SliceCreator } from './lab-state';

export interface MemorySlice {
  memory: EngineMemory | null;
  pollMemory(): Promise<void>;
}

export const createMemorySlice: SliceCreator<MemorySlice> = (set, _get, ctx) => {
  let waiting = false;
  return {
    memory: null,
    async pollMemory() {
      if (waiting) return;
      waiting = true;
      const generation = ctx.engine.generation;
      try {
        const memory = await (await ctx.engine.api()).memory();
        if (generation === ctx.engine.generation) set({ memory });
      } catch {
        set({ memory: null }); // the engine is starting or gone: the header shows its state instead
      } finally {
        waiting = false;
      }
    },
  };
};
