/**
 * Keyboard shortcuts as an admin who lives in the console expects them: two-key "go to" sequences
 * (g then f), single keys for the current screen, never while typing in a field.
 */
export type ShortcutAction =
  | 'go-fleet'
  | 'go-push'
  | 'go-drafts'
  | 'go-objects'
  | 'go-audit'
  | 'go-pools'
  | 'go-alerts'
  | 'go-broker'
  | 'go-profiles'
  | 'go-dns'
  | 'go-leases'
  | 'focus-search'
  | 'help'
  | 'back';

export interface Shortcut {
  keys: string;
  action: ShortcutAction;
  label: string;
}

export const shortcuts: readonly Shortcut[] = [
  { keys: 'g f', action: 'go-fleet', label: 'Go to the fleet' },
  { keys: 'g p', action: 'go-push', label: 'Go to Push (compose, preview, follow pushes)' },
  { keys: 'g d', action: 'go-drafts', label: 'Go to the drafts' },
  { keys: 'g z', action: 'go-objects', label: 'Go to Zones & Scopes (intended against served, drift)' },
  { keys: 'g a', action: 'go-audit', label: 'Go to the audit trail' },
  { keys: 'g o', action: 'go-pools', label: 'Go to DHCP Pools (fullest first, exhaustion forecast)' },
  { keys: 'g e', action: 'go-alerts', label: 'Go to the alerts (acknowledge, rules)' },
  { keys: 'g b', action: 'go-broker', label: 'Go to the broker path' },
  { keys: 'g i', action: 'go-profiles', label: 'Go to the IPAM profiles' },
  { keys: 'g n', action: 'go-dns', label: 'Go to DNS: find a name across the fleet' },
  { keys: 'g l', action: 'go-leases', label: 'Go to lease search (DHCP)' },
  {
    keys: '/',
    action: 'focus-search',
    label: 'Search the fleet (or the audit trail, Zones & Scopes or the alerts, on their screens)',
  },
  {
    keys: 'Escape',
    action: 'back',
    label: 'Back to the fleet from a remote, to Push from a push, to the list from an object',
  },
  { keys: '?', action: 'help', label: 'Show these shortcuts' },
];

/** A sequence's first key waits this long for the second. */
export const SEQUENCE_MS = 1200;

export interface KeyState {
  pending: string | null;
  at: number;
}

export const idleKeys: KeyState = { pending: null, at: 0 };

/** Pure: the next state and the action (if any) for one key press. */
export function pressKey(
  state: KeyState,
  key: string,
  at: number,
): { state: KeyState; action?: ShortcutAction } {
  const pending = state.pending !== null && at - state.at <= SEQUENCE_MS ? state.pending : null;
  const typed = pending === null ? key : `${pending} ${key}`;
  const hit = shortcuts.find((s) => s.keys === typed);
  if (hit) return { state: idleKeys, action: hit.action };
  if (pending === null && shortcuts.some((s) => s.keys.startsWith(`${key} `))) {
    return { state: { pending: key, at } };
  }
  return { state: idleKeys };
}

/** Typing in a field is not a shortcut (except Escape, which leaves the field's screen as usual). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
