import { describe, expect, it } from 'vitest';
import { readLeases } from './served-handlers';

describe('readLeases', () => {
  it('reads Kea leases into what an admin looks at, and counts what is not a lease', () => {
    expect(
      readLeases({
        subnet: '10.0.0.0/24',
        leases: [
          {
            'ip-address': '10.0.0.5',
            'hw-address': '52:54:00:aa:bb:cc',
            hostname: 'pc5',
            cltt: 100,
            'valid-lft': 3600,
            state: 0,
          },
          { 'ip-address': '10.0.0.6', 'hw-address': '', hostname: '', state: 1 },
          { ip: 'nonsense' },
        ],
      }),
    ).toEqual({
      leases: [
        {
          ipAddress: '10.0.0.5',
          hwAddress: '52:54:00:aa:bb:cc',
          hostname: 'pc5',
          expiresAt: 3_700_000,
          state: 'default',
        },
        { ipAddress: '10.0.0.6', hwAddress: null, hostname: null, expiresAt: null, state: 'declined' },
      ],
      unreadable: 1,
    });
    expect(readLeases('garbage')).toEqual({ leases: [], unreadable: 1 });
  });
});
