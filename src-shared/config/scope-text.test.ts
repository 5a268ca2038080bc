import { describe, expect, it } from 'vitest';
import { DhcpScope } from './scope';
import { renderScope } from './scope-render';
import { readScopeText } from './scope-text';

describe('readScopeText', () => {
  it('reads back what renderScope writes, into a scope that renders the same', () => {
    const scope = DhcpScope.parse({
      subnet: '10.0.0.0/24',
      id: 7,
      validLifetimeS: 3600,
      pools: [{ start: '10.0.0.100', end: '10.0.0.200' }],
      options: [
        { name: 'routers', data: '10.0.0.1' },
        { name: 'domain-search', data: 'a.test, b.test' },
      ],
      reservations: [
        { ipAddress: '10.0.0.5', hwAddress: '52:54:00:aa:bb:cc', hostname: 'pc5' },
        { ipAddress: '10.0.0.6', hwAddress: '52:54:00:aa:bb:cd' },
      ],
    });
    const back = DhcpScope.parse(readScopeText(renderScope(scope)));
    expect(renderScope(back)).toBe(renderScope(scope));
  });

  it('names the line it cannot read', () => {
    expect(() => readScopeText('subnet 10.0.0.0/24\nid 1\nfrobnicate 3\n')).toThrow(
      /line 3: "frobnicate" is not a line of a scope/,
    );
    expect(() => readScopeText('pool 10.0.0.1\n')).toThrow(/line 1: pool takes START-END/);
  });
});
