import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { SmtState, SmtStore } from './index';

export const StoreContext = createContext<SmtStore | null>(null);

/** Components read the store through small selectors, so each re-renders only for what it shows. */
export function useSmt<T>(selector: (s: SmtState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useSmt outside <StoreContext.Provider>');
  return useStore(store, selector);
}
