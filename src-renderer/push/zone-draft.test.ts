import { describe, expect, it } from 'vitest';
import { checkZoneDraft, type RecordRow, type ZoneDraft } from './zone-draft';

const now = new Date(Date.UTC(2026, 10, 25));
let key = 0;
const row = (owner: string, type: RecordRow['type'], value: string, ttl = ''): RecordRow => ({
  key: ++key,
  owner,
  type,
  ttl,
  value,
});
const draft = (rows: RecordRow[], over: Partial<ZoneDraft> = {}): ZoneDraft => ({
  name: 'example.com',
  ttl: '300',
  mname: 'ns1',
  rname: 'hostmaster@example.com',
  rows,
  ...over,
});
const base = () => [row('@', 'NS', 'ns1'), row('ns1', 'A', '192.0.2.1')];

describe('checkZoneDraft', () => {
  it('renders a zone the model accepts, every type parsed from its value cell', () => {
    const c = checkZoneDraft(
      draft([
        ...base(),
        row('www', 'A', '192.0.2.10', '60'),
        row('www', 'AAAA', '2001:db8::10'),
        row('@', 'MX', '10 mail'),
        row('mail', 'A', '192.0.2.25'),
        row('@', 'TXT', '"v=spf1 -all"'),
        row('_sip._tcp', 'SRV', '10 5 5060 www'),
        row('ftp', 'CNAME', 'www'),
      ]),
      now,
    );
    expect(c.zoneErrors).toEqual([]);
    expect(c.rowErrors.size).toBe(0);
    expect(c.text).toMatch(/@ +300 IN SOA +ns1 hostmaster\.example\.com\. 2026112501 3600 600 1209600 300/);
    expect(c.text).toMatch(/www +60 IN A +192\.0\.2\.10/);
    expect(c.text).toMatch(/@ +IN TXT +"v=spf1 -all"/);
    expect(c.text).toMatch(/_sip\._tcp +IN SRV +10 5 5060 www/);
  });

  it('puts a whole-zone issue (a CNAME beside other data) on the record it is about', () => {
    const cname = row('www', 'CNAME', 'web');
    const beside = row('www', 'A', '192.0.2.10');
    const c = checkZoneDraft(draft([...base(), cname, beside]), now);
    expect(c.text).toBeNull();
    expect(c.rowErrors.get(beside.key)?.row).toMatch(
      /www\.example\.com\. has a CNAME \(record 3\) and also A data; a CNAME must be the only record at its name/,
    );
    expect(c.rowErrors.has(cname.key)).toBe(false);
  });

  it('puts each field’s issue under its cell (the zone-wide checks follow once every record parses)', () => {
    const badIp = row('db', 'A', '192.0.2.300');
    const badTtl = row('x', 'A', '192.0.2.9', 'soon');
    const badMx = row('@', 'MX', 'ten mail');
    const c = checkZoneDraft(draft([...base(), badIp, badTtl, badMx]), now);
    expect(c.text).toBeNull();
    expect(c.rowErrors.get(badIp.key)?.value).toBe('an A record needs an IPv4 address such as 192.0.2.1');
    expect(c.rowErrors.get(badTtl.key)?.ttl).toBe('a TTL is a whole number of seconds');
    expect(c.rowErrors.get(badMx.key)?.value).toBe('an MX value is "preference exchange", such as 10 mail');
  });

  it('names what is wrong with the zone itself', () => {
    const c = checkZoneDraft(draft([row('www', 'A', '192.0.2.10')], { name: 'bad..name' }), now);
    expect(c.text).toBeNull();
    expect(c.zoneErrors.some((e) => e.startsWith('name: '))).toBe(true);
    expect(c.zoneErrors).toContainEqual(expect.stringMatching(/no NS record at its apex/));
  });
});
