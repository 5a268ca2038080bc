import { describe, expect, it } from 'vitest';
import { SEQUENCE_MS, idleKeys, pressKey, type KeyState, type ShortcutAction } from './shortcuts';

function typeKeys(keys: [string, number][]): (ShortcutAction | undefined)[] {
  let state: KeyState = idleKeys;
  return keys.map(([key, at]) => {
    const r = pressKey(state, key, at);
    state = r.state;
    return r.action;
  });
}

describe('shortcuts', () => {
  it.each<[string, [string, number][], (ShortcutAction | undefined)[]]>([
    [
      'a sequence',
      [
        ['g', 0],
        ['f', 100],
      ],
      [undefined, 'go-fleet'],
    ],
    [
      'the push screen',
      [
        ['g', 0],
        ['p', 100],
      ],
      [undefined, 'go-push'],
    ],
    [
      'g d to the drafts',
      [
        ['g', 0],
        ['d', 100],
      ],
      [undefined, 'go-drafts'],
    ],
    [
      'the audit and broker screens',
      [
        ['g', 0],
        ['a', 100],
        ['g', 200],
        ['b', 300],
      ],
      [undefined, 'go-audit', undefined, 'go-broker'],
    ],
    [
      'lease search',
      [
        ['g', 0],
        ['l', 100],
      ],
      [undefined, 'go-leases'],
    ],
    [
      'a sequence too slow',
      [
        ['g', 0],
        ['f', SEQUENCE_MS + 1],
      ],
      [undefined, undefined],
    ],
    [
      'single keys',
      [
        ['/', 0],
        ['?', 10],
        ['Escape', 20],
      ],
      ['focus-search', 'help', 'back'],
    ],
    [
      'an unknown second key resets',
      [
        ['g', 0],
        ['x', 10],
        ['f', 20],
      ],
      [undefined, undefined, undefined],
    ],
    [
      'the profiles sequence',
      [
        ['g', 0],
        ['i', 100],
      ],
      [undefined, 'go-profiles'],
    ],
    [
      'the alerts sequence',
      [
        ['g', 0],
        ['e', 100],
      ],
      [undefined, 'go-alerts'],
    ],
    ['a key with no meaning', [['q', 0]], [undefined]],
  ])('%s', (_name, keys, actions) => {
    expect(typeKeys(keys)).toEqual(actions);
  });
});
