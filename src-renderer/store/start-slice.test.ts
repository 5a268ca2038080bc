import { describe, expect, it } from 'vitest';
import type { ProfileSummary, StartState } from '../../src-shared/ipc/profile-views';
import { createSmtStore } from './index';
import { gateOf, sealingChoices, secondsToWait } from './start-slice';

const summary: ProfileSummary = {
  name: 'A',
  consoleId: 'c1',
  brokers: [],
  ca: null,
  client: null,
  signing: null,
  active: true,
};
const onboarding: StartState = { kind: 'onboarding', sealing: ['passphrase'] };
const locked: StartState = {
  kind: 'locked',
  profiles: [{ name: 'A', consoleId: 'c1', sealedWith: 'passphrase' }],
  last: 'A',
  retryAfterMs: 2_500,
  sealing: ['keyring', 'passphrase'],
};
const open = (passphraseHeld: boolean, keyring = false): StartState => ({
  kind: 'open',
  profile: summary,
  sealing: keyring ? ['keyring', 'passphrase'] : ['passphrase'],
  passphraseHeld,
});

describe('start slice', () => {
  it('gates the app on what the console said', () => {
    expect(gateOf(null)).toBe('connecting');
    expect(gateOf(onboarding)).toBe('onboarding');
    expect(gateOf(locked)).toBe('unlock');
    expect(gateOf(open(true))).toBe('app');
  });

  it('offers only the sealings the host has, the keyring first, a new passphrase always', () => {
    expect(sealingChoices(onboarding)).toEqual(['new-passphrase']);
    expect(sealingChoices(locked)).toEqual(['keyring', 'new-passphrase']);
    expect(sealingChoices(open(true))).toEqual(['held-passphrase', 'new-passphrase']);
    expect(sealingChoices(open(false, true))).toEqual(['keyring', 'new-passphrase']);
    expect(sealingChoices(null)).toEqual(['new-passphrase']);
  });

  it('turns the wait the console gives into a moment on this page, and counts it down', () => {
    const store = createSmtStore();
    store.getState().setStart(locked, 10_000);
    expect(store.getState().retryAt).toBe(12_500);
    expect(secondsToWait(12_500, 10_000)).toBe(3);
    expect(secondsToWait(12_500, 12_000)).toBe(1);
    expect(secondsToWait(12_500, 12_500)).toBe(0);
    store.getState().setStart(open(true), 11_000);
    expect(store.getState().retryAt).toBe(0);
    expect(store.getState().start?.kind).toBe('open');
  });
});
