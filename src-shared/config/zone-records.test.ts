import { describe, expect, it } from 'vitest';
import { sampleZone } from './testing/samples';
import { Zone } from './zone';
import { renderZone } from './zone-render';
import { parseTtl, parseZoneRecords } from './zone-records';

describe('parseZoneRecords', () => {
  it('reads back every record renderZone writes, names absolute and TTLs resolved', () => {
    const zone = Zone.parse(sampleZone);
    const { records, problems } = parseZoneRecords(renderZone(zone), zone.name);
    expect(problems).toEqual([]);
    // The SOA plus every record of the model.
    expect(records).toHaveLength(zone.records.length + 1);
    expect(records[0]).toMatchObject({ name: 'example.com.', type: 'SOA', ttl: 3600, class: 'IN' });
    expect(records.find((r) => r.type === 'AAAA')).toMatchObject({
      name: 'www.example.com.',
      ttl: 300,
      data: '2001:db8::1',
    });
    expect(records.find((r) => r.type === 'TXT')?.data).toBe('"v=spf1 -all" "say \\"hi\\"\\\\"');
    expect(records.find((r) => r.type === 'SRV')?.name).toBe('_sip._tcp.example.com.');
    expect(records.find((r) => r.name === '*.dyn.example.com.')?.ttl).toBe(3600);
  });

  it('follows $ORIGIN and $TTL, a blank owner, TTL and class in either order, and a multi-line SOA', () => {
    const text = [
      '$TTL 1h',
      '@ IN SOA ns1 hostmaster (',
      '      1 ; serial',
      '      7200 900 1209600 300 )',
      '  IN NS ns1',
      'ns1 A 192.0.2.1',
      '    60 IN AAAA 2001:db8::1',
      '$ORIGIN sub.example.test.',
      'host IN 2d A 192.0.2.2 ; a comment',
      'txt TXT "a ; not a comment" "(b)"',
      'abs.example.org. 5 CNAME host',
    ].join('\n');
    const { records, problems } = parseZoneRecords(text, 'example.test');
    expect(problems).toEqual([]);
    expect(records.map((r) => [r.line, r.name, r.ttl, r.type, r.data])).toEqual([
      [2, 'example.test.', 3600, 'SOA', 'ns1 hostmaster 1 7200 900 1209600 300'],
      [5, 'example.test.', 3600, 'NS', 'ns1'],
      [6, 'ns1.example.test.', 3600, 'A', '192.0.2.1'],
      [7, 'ns1.example.test.', 60, 'AAAA', '2001:db8::1'],
      [9, 'host.sub.example.test.', 172_800, 'A', '192.0.2.2'],
      [10, 'txt.sub.example.test.', 3600, 'TXT', '"a ; not a comment" "(b)"'],
      [11, 'abs.example.org.', 5, 'CNAME', 'host'],
    ]);
  });

  it('without $TTL takes the SOA minimum; reports what it cannot read and keeps going', () => {
    const text = ['$INCLUDE other.db', '@ SOA ns1 h 1 2 3 4 300', 'www', 'www A 192.0.2.1'].join('\n');
    const { records, problems } = parseZoneRecords(text, 'example.test.');
    expect(records.map((r) => [r.name, r.ttl, r.type])).toEqual([
      ['example.test.', 300, 'SOA'],
      ['www.example.test.', 300, 'A'],
    ]);
    expect(problems).toEqual([
      { line: 1, message: '$INCLUDE is not followed here' },
      { line: 3, message: 'no record type' },
    ]);
  });

  it('refuses a record with no TTL anywhere before it', () => {
    expect(parseZoneRecords('www A 192.0.2.1', 'example.test').problems[0]?.message).toMatch(/no TTL/);
  });
});

describe('parseTtl', () => {
  it('reads seconds and BIND unit forms, nothing else', () => {
    expect([parseTtl('300'), parseTtl('1h30m'), parseTtl('1W'), parseTtl('IN'), parseTtl('5x')]).toEqual([
      300,
      5400,
      604_800,
      undefined,
      undefined,
    ]);
  });
});
