import { useCallback } from 'react';
import { useApi } from '../../api/context';
import { useSmt } from '../../store/react';

/**
 * Asks the console to switch IPAM. The store is reset by the `profileChanged` event that follows (for
 * every window on the console), not here; a refusal keeps the current profile and says why. A passphrase
 * is given only for a profile whose passphrase the console does not hold yet.
 */
export function useSwitchProfile(): (name: string, passphrase?: string) => Promise<boolean> {
  const api = useApi();
  const setSwitchingTo = useSmt((s) => s.setSwitchingTo);
  const setCallError = useSmt((s) => s.setCallError);
  return useCallback(
    async (name: string, passphrase?: string) => {
      setSwitchingTo(name);
      const r = await api.switchProfile({ name, ...(passphrase === undefined ? {} : { passphrase }) });
      setSwitchingTo(null);
      if (!r.ok) setCallError(`Could not switch to ${name}: ${r.error.message}`);
      return r.ok;
    },
    [api, setSwitchingTo, setCallError],
  );
}
