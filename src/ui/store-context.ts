/** React access to the lab store: a context holding it and a selector hook. */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { LabState, LabStore } from '../state/store';

export const StoreContext = createContext<LabStore | null>(null);

/** Selects from the lab store; selectors must return stable values, or React re-renders forever. */
export function useLab<T>(selector: (s: LabState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useLab needs <StoreContext.Provider>');
  return useStore(store, selector);
}
