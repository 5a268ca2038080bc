import { useEffect, useState, useSyncExternalStore } from 'react';
import { Loader, type LoadState, type Read } from './loader';

const ignore = () => undefined;

export interface LoadOptions {
  /** Reads again this often while the screen is open; without it, only when asked. */
  everyMs?: number;
  /** Forget the last value when `read` changes (another chart) instead of showing it until the new one. */
  resetOnChange?: boolean;
  /** Reads again whenever one of these changes (push events, the link coming back). */
  refreshOn?: readonly unknown[];
  /** False: ask nothing yet (e.g. before the link to the console is up). */
  enabled?: boolean;
}

/**
 * The one way a screen loads something from the console and keeps it fresh: its value, the error of the
 * last read, whether a read is under way, and `reload` for after an action. `read` is a stable callback
 * (useCallback): a new one is a new question.
 */
export function useLoad<T>(
  read: Read<T>,
  { everyMs, resetOnChange = false, refreshOn = [], enabled = true }: LoadOptions = {},
): LoadState<T> & { reload: () => void } {
  const [loader] = useState(() => new Loader<T>());
  const state = useSyncExternalStore(loader.subscribe, () => loader.state);
  useEffect(
    () => {
      if (enabled) loader.ask(read, resetOnChange);
    },
    // refreshOn has the same length at every render of one caller.
    [loader, read, resetOnChange, enabled, ...refreshOn],
  );
  useEffect(() => {
    if (!enabled || everyMs === undefined) return;
    const t = setInterval(loader.load, everyMs);
    return () => clearInterval(t);
  }, [loader, everyMs, enabled]);
  return { ...state, reload: enabled ? loader.load : ignore };
}
