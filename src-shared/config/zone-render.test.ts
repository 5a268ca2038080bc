import { describe, expect, it } from 'vitest';
import { Zone } from './zone';
import { quoteTxt, renderZone } from './zone-render';

const zone = Zone.parse({
  name: 'example.com',
  ttl: 3600,
  soa: {
    mname: 'ns1',
    rname: 'john.doe@example.com',
    serial: 7,
    refresh: 7200,
    retry: 900,
    expire: 1209600,
    minimum: 300,
  },
  records: [
    { owner: 'www', type: 'A', address: '192.0.2.2', ttl: 60 },
    { owner: 'a.b', type: 'TXT', strings: ['x'] },
    { owner: '@', type: 'MX', preference: 10, exchange: 'mail.example.net.' },
    { owner: 'ns1', type: 'A', address: '192.0.2.1' },
    { owner: '@', type: 'NS', target: 'ns1' },
    { owner: 'b', type: 'A', address: '192.0.2.3' },
    { owner: 'WWW.example.com.', type: 'A', address: '192.0.2.1' },
    { owner: '@', type: 'NS', target: 'ns.example.net.' },
  ],
});

describe('renderZone', () => {
  it('writes $ORIGIN, $TTL, the SOA, the apex NS, then owners in canonical order', () => {
    expect(renderZone(zone)).toBe(
      [
        '$ORIGIN example.com.',
        '$TTL 3600',
        '@   3600 IN SOA   ns1 john\\.doe.example.com. 7 7200 900 1209600 300',
        '@        IN NS    ns.example.net.',
        '@        IN NS    ns1',
        '@        IN MX    10 mail.example.net.',
        'b        IN A     192.0.2.3',
        'a.b      IN TXT   "x"',
        'ns1      IN A     192.0.2.1',
        'WWW      IN A     192.0.2.1',
        'www   60 IN A     192.0.2.2',
        '',
      ].join('\n'),
    );
  });

  it('gives the same text whatever the order of the records', () => {
    const reversed = { ...zone, records: [...zone.records].reverse() };
    expect(renderZone(reversed)).toBe(renderZone(zone));
  });
});

describe('quoteTxt', () => {
  it.each([
    ['plain', '"plain"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    ['back\\slash', '"back\\\\slash"'],
    ['semi;colon (paren)', '"semi;colon (paren)"'],
    ['tab\there', '"tab\\009here"'],
    ['é', '"\\195\\169"'],
  ])('%j is written %s', (text, quoted) => {
    expect(quoteTxt(text)).toBe(quoted);
  });
});
