import { describe, expect, it } from 'vitest';
import { sampleZone as zone } from './testing/samples';
import { Zone, absoluteName, relativeName, rdataKey, rnameToDotted } from './zone';

type Issue = { path: string; message: string };
const issues = (input: unknown): Issue[] => {
  const r = Zone.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
};
const withRecords = (...records: object[]) => ({ ...zone, records: [...zone.records, ...records] });
const n = zone.records.length;

describe('Zone', () => {
  it('accepts a zone with every record type', () => {
    expect(issues(zone)).toEqual([]);
  });

  it.each<[string, unknown, string, string]>([
    [
      'a CNAME beside other data',
      withRecords({ owner: 'web', type: 'TXT', strings: ['x'] }),
      `records.${n}`,
      'web.example.com. has a CNAME (record 5) and also TXT data; a CNAME must be the only record at its name (RFC 1034)',
    ],
    [
      'two CNAMEs at one name',
      withRecords({ owner: 'WEB.example.com.', type: 'CNAME', target: 'ns1' }),
      `records.${n}`,
      'has two CNAME records',
    ],
    [
      'a CNAME at the apex',
      withRecords({ owner: '@', type: 'CNAME', target: 'www' }),
      `records.${n}.owner`,
      'a CNAME cannot be at the zone apex (example.com.)',
    ],
    [
      'an owner outside the zone',
      withRecords({ owner: 'www.example.org.', type: 'A', address: '192.0.2.3' }),
      `records.${n}.owner`,
      'www.example.org. is outside the zone example.com.',
    ],
    [
      'an absolute owner that only ends like the zone',
      withRecords({ owner: 'badexample.com.', type: 'A', address: '192.0.2.3' }),
      `records.${n}.owner`,
      'is outside the zone',
    ],
    [
      'a duplicate record (names compared case-insensitively)',
      withRecords({ owner: 'NS1.example.com.', type: 'A', address: '192.0.2.1', ttl: 60 }),
      `records.${n}`,
      'duplicate of record 3: same owner, type and data',
    ],
    [
      'a duplicate AAAA written differently',
      withRecords({ owner: 'www', type: 'AAAA', address: '2001:DB8:0::0:1' }),
      `records.${n}`,
      'duplicate of record 4',
    ],
    [
      'no NS at the apex',
      { ...zone, records: zone.records.filter((r) => r.type !== 'NS') },
      'records',
      'the zone has no NS record at its apex (@)',
    ],
    [
      'an A with an IPv6 address',
      withRecords({ owner: 'x', type: 'A', address: '2001:db8::2' }),
      `records.${n}.address`,
      'an A record needs an IPv4 address',
    ],
    [
      'an AAAA with an IPv4 address',
      withRecords({ owner: 'x', type: 'AAAA', address: '192.0.2.2' }),
      `records.${n}.address`,
      'an AAAA record needs an IPv6 address',
    ],
    [
      'an MX pointing at an IP',
      withRecords({ owner: '@', type: 'MX', preference: 20, exchange: '192.0.2.1' }),
      `records.${n}.exchange`,
      'an MX exchange must be a host name, not an IP address (192.0.2.1)',
    ],
    [
      'an NS pointing at an IPv6 address',
      withRecords({ owner: 'sub', type: 'NS', target: '2001:db8::53' }),
      `records.${n}.target`,
      'an NS target must be a host name, not an IP address',
    ],
    [
      'a CNAME pointing at an IP',
      withRecords({ owner: 'x', type: 'CNAME', target: '192.0.2.1.' }),
      `records.${n}.target`,
      'a CNAME target must be a host name',
    ],
    [
      'an SRV pointing at an IP',
      withRecords({ owner: '_x._udp', type: 'SRV', priority: 0, weight: 0, port: 1, target: '192.0.2.1' }),
      `records.${n}.target`,
      'an SRV target must be a host name',
    ],
    [
      'a label over 63 octets',
      withRecords({ owner: 'a'.repeat(64), type: 'A', address: '192.0.2.3' }),
      `records.${n}.owner`,
      'is 64 octets; a DNS label holds at most 63',
    ],
    [
      'a name over 255 octets',
      withRecords({ owner: Array(4).fill('b'.repeat(63)).join('.'), type: 'A', address: '192.0.2.3' }),
      `records.${n}.owner`,
      'octets long; a DNS name holds at most 255',
    ],
    [
      'an empty label',
      withRecords({ owner: 'a..b', type: 'A', address: '192.0.2.3' }),
      `records.${n}.owner`,
      'has an empty label',
    ],
    [
      'a space in a name',
      withRecords({ owner: 'my host', type: 'A', address: '192.0.2.3' }),
      `records.${n}.owner`,
      'may hold only letters, digits, "-" and "_"',
    ],
    [
      'a negative TTL',
      withRecords({ owner: 'x', type: 'A', address: '192.0.2.3', ttl: -1 }),
      `records.${n}.ttl`,
      'a TTL is 0 to 2147483647 seconds',
    ],
    ['a default TTL of 2^31', { ...zone, ttl: 2 ** 31 }, 'ttl', 'a TTL is 0 to 2147483647 seconds'],
    [
      'an SRV owner without _service._proto',
      withRecords({ owner: 'sip', type: 'SRV', priority: 0, weight: 0, port: 1, target: 'ns1' }),
      `records.${n}.owner`,
      "an SRV record's owner is _service._proto.name",
    ],
    [
      'an in-zone name server without an address',
      withRecords({ owner: 'sub', type: 'NS', target: 'ns.sub' }),
      `records.${n}.target`,
      'name server ns.sub.example.com. is inside this zone but has no A or AAAA record here',
    ],
    [
      'an MX naming an alias',
      withRecords({ owner: '@', type: 'MX', preference: 20, exchange: 'web' }),
      `records.${n}.exchange`,
      'the MX exchange web.example.com. is a CNAME',
    ],
    [
      'a TXT string over 255 bytes',
      withRecords({ owner: 't', type: 'TXT', strings: ['é'.repeat(128)] }),
      `records.${n}.strings.0`,
      'a TXT string holds at most 255 bytes; this one has 256',
    ],
    [
      'a TXT record without strings',
      withRecords({ owner: 't', type: 'TXT', strings: [] }),
      `records.${n}.strings`,
      'a TXT record holds at least one string',
    ],
    [
      'an SOA contact that is not an address',
      { ...zone, soa: { ...zone.soa, rname: 'host master@example.com' } },
      'soa.rname',
      'is not an email address',
    ],
    [
      'an SOA serial over 32 bits',
      { ...zone, soa: { ...zone.soa, serial: 2 ** 32 } },
      'soa.serial',
      '0 to 4294967295',
    ],
    [
      'a record type the model does not know',
      withRecords({ owner: 'x', type: 'CAA', data: '0 issue "ca.example"' }),
      `records.${n}.type`,
      'a record type is NS, A, AAAA, CNAME, MX, TXT, SRV or PTR',
    ],
    ['a zone name with a space', { ...zone, name: 'example com' }, 'name', 'may hold only letters'],
  ])('refuses %s, pointing at the record', (_name, input, path, message) => {
    const found = issues(input);
    expect(found.map((i) => i.path)).toContain(path);
    expect(found.find((i) => i.path === path)?.message).toContain(message);
  });

  it('accepts the null MX and the "no service" SRV target', () => {
    expect(
      issues(
        withRecords(
          { owner: 'nomail', type: 'MX', preference: 0, exchange: '.' },
          { owner: '_imap._tcp', type: 'SRV', priority: 0, weight: 0, port: 0, target: '.' },
        ),
      ),
    ).toEqual([]);
  });

  it('accepts glue for a delegation', () => {
    expect(
      issues(
        withRecords(
          { owner: 'sub', type: 'NS', target: 'ns.sub' },
          { owner: 'ns.sub', type: 'A', address: '192.0.2.53' },
        ),
      ),
    ).toEqual([]);
  });
});

describe('names', () => {
  it.each([
    ['@', 'example.com.'],
    ['www', 'www.example.com.'],
    ['www.example.com.', 'www.example.com.'],
  ])('%s is %s in absolute form', (name, abs) => {
    expect(absoluteName(name, 'example.com.')).toBe(abs);
  });
  it.each([
    ['example.com.', '@'],
    ['EXAMPLE.com.', '@'],
    ['a.b.example.com.', 'a.b'],
  ])('%s is written %s in the zone file', (abs, rel) => {
    expect(relativeName(abs, 'example.com.')).toBe(rel);
  });
  it.each([
    ['hostmaster@example.com', 'hostmaster.example.com.'],
    ['john.doe@example.com.', 'john\\.doe.example.com.'],
    ['hostmaster', 'hostmaster'],
  ])('the SOA contact %s is %s', (rname, dotted) => {
    expect(rnameToDotted(rname)).toBe(dotted);
  });
  it('compares IPv6 data in full form', () => {
    const key = (address: string) => rdataKey({ owner: '@', type: 'AAAA', address }, 'example.com.');
    expect(key('2001:db8::1')).toBe(key('2001:DB8:0:0:0:0:0:1'));
    expect(key('::ffff:192.0.2.1')).toBe(key('::ffff:c000:201'));
  });
});
