import { describe, expect, it } from 'vitest';
import { CliExit, Exit } from './args';
import { scopePayload, zoneNameOf, zonePayload } from './payload';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof CliExit) return e;
    throw e;
  }
  throw new Error('accepted');
};

describe('zone files', () => {
  const text = '$TTL 300\n$ORIGIN example.test.\n@ IN SOA ns1 hostmaster 1 3600 600 86400 300\n';

  it('takes the zone from --zone first, else from $ORIGIN, without the final dot', () => {
    expect(zoneNameOf(text, 'other.test.', 'f')).toBe('other.test');
    expect(zoneNameOf(text, undefined, 'f')).toBe('example.test');
    expect(zonePayload(text, undefined, 'f')).toEqual({
      object: { kind: 'zone', name: 'example.test' },
      payload: { format: 'zone-text', text },
    });
  });

  it('refuses a file with neither, and a name that is not one', () => {
    const none = refusal(() => zoneNameOf('@ IN A 192.0.2.1\n', undefined, 'f.zone'));
    expect(none.code).toBe(Exit.usage);
    expect(none.message).toMatch(/f.zone has no \$ORIGIN line: name the zone with --zone/);
    expect(refusal(() => zoneNameOf(text, 'bad name!', 'f')).message).toMatch(
      /"bad name!" is not a zone name/,
    );
  });
});

describe('scope files', () => {
  const scope = { subnet: '192.0.2.0/24', id: 7, pools: [{ start: '192.0.2.10', end: '192.0.2.50' }] };

  it('validates with the DhcpScope model and targets its subnet', () => {
    const loaded = scopePayload(JSON.stringify(scope), 's.json');
    expect(loaded.object).toEqual({ kind: 'scope', subnet: '192.0.2.0/24' });
    expect(loaded.payload).toMatchObject({ format: 'kea-subnet4', scope: { id: 7 } });
  });

  it('prints every issue with its path', () => {
    const bad = { ...scope, id: 0, pools: [{ start: '192.0.2.10', end: 'nope' }] };
    const e = refusal(() => scopePayload(JSON.stringify(bad), 's.json'));
    expect(e.code).toBe(Exit.usage);
    expect(e.message).toMatch(/^s.json is not a valid DHCP scope:/);
    expect(e.message).toMatch(/\n {2}id: /);
    expect(e.message).toMatch(/\n {2}pools\.0\.end: /);
  });

  it('refuses text that is not JSON', () => {
    expect(refusal(() => scopePayload('{', 's.json')).message).toMatch(/s.json is not JSON/);
  });
});
