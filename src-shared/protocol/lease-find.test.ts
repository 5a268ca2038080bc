import { describe, expect, it } from 'vitest';
import { QueryBody } from './bodies';
import { leaseFindOf, type LeaseFindBy } from './lease-find';

describe('leaseFindOf', () => {
  it.each<[string, LeaseFindBy | undefined, LeaseFindBy, string]>([
    ['192.0.2.10', undefined, 'ip', '192.0.2.10'],
    ['52:54:00:AB:cd:01', undefined, 'mac', '52:54:00:ab:cd:01'],
    ['52-54-00-ab-cd-01', undefined, 'mac', '52:54:00:ab:cd:01'],
    ['5254.00ab.cd01', undefined, 'mac', '52:54:00:ab:cd:01'],
    ['525400abcd01', 'mac', 'mac', '52:54:00:ab:cd:01'],
    ['2:54:0:ab:cd:1', undefined, 'mac', '02:54:00:ab:cd:01'],
    ['01:52:54:00:ab:cd:01', undefined, 'client-id', '01:52:54:00:ab:cd:01'],
    ['0152540000', 'client-id', 'client-id', '01:52:54:00:00'],
    ['Web-01.Example.TEST.', undefined, 'hostname', 'web-01.example.test'],
    ['dead-beef', undefined, 'hostname', 'dead-beef'],
  ])('%s (by %s) is a %s search for %s, which the protocol accepts', (input, by, kind, value) => {
    const r = leaseFindOf(input, by);
    expect(r).toEqual({ ok: true, query: { query: 'lease-find', by: kind, value } });
    expect(QueryBody.safeParse(r.ok ? r.query : null).success).toBe(true);
  });

  it.each<[string, LeaseFindBy | undefined, RegExp]>([
    ['52:54:00:zz:00:01', undefined, /is not a MAC address: "zz" is not a hex byte/],
    ['52:54:00:00:01', 'mac', /it has 5 bytes, a MAC has 6/],
    ['52:54:00:00:00:00:01', 'mac', /it has 7 bytes, a MAC has 6/],
    ['192.0.2.300', undefined, /not an IPv4 address/],
    ['web01', 'ip', /not an IPv4 address/],
    ['01', 'client-id', /2 to 255 hex bytes/],
    ['web_01', undefined, /not a host name/],
    ['-web', undefined, /not a host name/],
    ['   ', undefined, /Type an IP address/],
  ])('%s (by %s) is refused: %s', (input, by, message) => {
    const r = leaseFindOf(input, by);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.error).toMatch(message);
  });

  it('the protocol refuses a value not in canonical form, so a remote never sees an upper-case MAC', () => {
    const q = { query: 'lease-find', by: 'mac', value: '52:54:00:AB:CD:01' };
    expect(QueryBody.safeParse(q).success).toBe(false);
    expect(QueryBody.safeParse({ ...q, by: 'ip', value: '52:54:00:ab:cd:01' }).success).toBe(false);
  });
});
