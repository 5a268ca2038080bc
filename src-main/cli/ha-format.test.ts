import { describe, expect, it } from 'vitest';
import type { HaPairView } from '../../src-shared/ipc/ha-views';
import { haExit, haJson, haText } from './ha-format';

const pair = (verdict: HaPairView['verdict']): HaPairView => ({
  key: 'k',
  name: 'kea-a + kea-b',
  mode: 'hot-standby',
  verdict,
  detail: 'kea-a (r-1) lost communication with kea-b (last heartbeat 7 s ago)',
  remoteId: 'r-2',
  sides: [
    {
      remoteId: 'r-1',
      reportedAt: Date.UTC(2026, 11, 7, 23, 0, 0),
      stale: false,
      relationship: {
        mode: 'hot-standby',
        peers: [],
        server: { name: 'kea-a', role: 'primary', state: 'hot-standby', scopes: ['kea-a'] },
        partner: {
          name: 'kea-b',
          role: 'standby',
          lastState: 'unavailable',
          lastScopes: [],
          communicationInterrupted: true,
          ageS: 7,
          connectingClients: 0,
          unackedClients: 0,
        },
      },
    },
    {
      remoteId: 'r-2',
      reportedAt: Date.UTC(2026, 11, 7, 23, 0, 0),
      stale: true,
      unreadable: 'connect ENOENT',
    },
  ],
});

describe('smt ha', () => {
  it('prints one row a side and the verdict’s reason a pair', () => {
    const text = haText({ pairs: [pair('partner-down')] });
    expect(text).toMatch(
      /kea-a \+ kea-b\s+partner-down\s+r-1\s+kea-a\s+primary\s+hot-standby\s+unavailable \(interrupted\)\s+7 s/,
    );
    expect(text).toMatch(/\n\s+r-2\s+-\s+-\s+unreadable\s+-\s+-\s+stale/);
    expect(text).toMatch(/kea-a \+ kea-b: kea-a \(r-1\) lost communication/);
    expect(haText({ pairs: [] })).toMatch(/^no Kea HA/);
  });

  it('answers JSON with ISO times and fails only for a partner down or a disagreement', () => {
    expect(haJson({ pairs: [pair('healthy')] })[0]?.sides[1]).toEqual({
      remoteId: 'r-2',
      server: null,
      partner: null,
      unreadable: 'connect ENOENT',
      reportedAt: '2026-12-07T23:00:00.000Z',
      stale: true,
    });
    expect(
      ['healthy', 'transition', 'unknown', 'partner-down', 'disagree'].map((v) =>
        haExit({ pairs: [pair(v as HaPairView['verdict'])] }),
      ),
    ).toEqual([0, 0, 0, 1, 1]);
  });
});
