import { createContext, useContext } from 'react';
import type { SmtApi } from '../../src-shared/ipc';

/** The contract's named calls, for screens that ask the console for something on demand. */
export const ApiContext = createContext<SmtApi | null>(null);

export function useApi(): SmtApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}
