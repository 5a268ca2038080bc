import type { SealingKind, StartState } from '../../src-shared/ipc/profile-views';
import type { SliceCreator } from './slice';

export interface StartSlice {
  /** Onboarding, locked or open, as the console last said; null until it answered. */
  start: StartState | null;
  /** When the next passphrase try is allowed, on this page's clock (the console enforces it anyway). */
  retryAt: number;
  setStart(start: StartState, receivedAt?: number): void;
}

export const createStartSlice: SliceCreator<StartSlice> = (set) => ({
  start: null,
  retryAt: 0,
  setStart: (start, receivedAt = Date.now()) =>
    set({ start, retryAt: start.kind === 'locked' ? receivedAt + start.retryAfterMs : 0 }),
});

/** Which screen the app shows: the gate in App.tsx. */
export type Gate = 'connecting' | 'onboarding' | 'unlock' | 'app';

export function gateOf(start: StartState | null): Gate {
  if (start === null) return 'connecting';
  switch (start.kind) {
    case 'onboarding':
      return 'onboarding';
    case 'locked':
      return 'unlock';
    case 'open':
      return 'app';
  }
}

/** One way of sealing an import's keys the form offers. */
export type SealingChoice = 'keyring' | 'held-passphrase' | 'new-passphrase';

/**
 * What the Import form offers, best first: the OS keyring where the host says it protects the key, the
 * passphrase of the profile in use when the console holds it, a new passphrase always.
 */
export function sealingChoices(start: StartState | null): SealingChoice[] {
  const kinds: readonly SealingKind[] = start?.sealing ?? ['passphrase'];
  return [
    ...(kinds.includes('keyring') ? (['keyring'] as const) : []),
    ...(start?.kind === 'open' && start.passphraseHeld ? (['held-passphrase'] as const) : []),
    'new-passphrase',
  ];
}

/** Seconds left of the wait before the next try, for the unlock screen (0: try now). */
export const secondsToWait = (retryAt: number, now: number) => Math.max(0, Math.ceil((retryAt - now) / 1000));
