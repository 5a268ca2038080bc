import type { BrokerEndpoint } from '../../profile';
import type { StartState } from '../profile-views';

/** A console with its profile open and no certificate facts: what stand-ins for the core answer. */
export function openStartState(name: string, consoleId: string, brokers: BrokerEndpoint[] = []): StartState {
  return {
    kind: 'open',
    profile: { name, consoleId, brokers, ca: null, client: null, signing: null, active: true },
    sealing: ['passphrase'],
    passphraseHeld: true,
  };
}
