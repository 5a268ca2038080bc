import { describe, expect, it } from 'vitest';
import { serialAbove, serialAfter, soaSerialOf, withSoaSerial } from './zone-serial';

const zone = `$ORIGIN example.test.
$TTL 300
; a comment that says SOA a b 99
@ IN SOA ns1 hostmaster ( 2026120701 ; serial
        3600 600 86400 300 )
soa IN A 192.0.2.1
@ IN TXT "SOA x y 5"
`;

describe('zone serials', () => {
  it('compares in RFC 1982 arithmetic', () => {
    expect(serialAfter(2, 1)).toBe(true);
    expect(serialAfter(1, 1)).toBe(false);
    expect(serialAfter(0, 4_294_967_295)).toBe(true);
  });

  it('takes one past the latest serial, wrapping past 4294967295', () => {
    expect(serialAbove([2026120701, 2026120705, 7])).toBe(2026120706);
    expect(serialAbove([4_294_967_295, 4_294_967_000])).toBe(0);
    expect(serialAbove([3, 4_294_967_290])).toBe(4);
    expect(() => serialAbove([0, 2 ** 31])).toThrow(/more than 2\^31 apart/);
  });

  it('reads the SOA serial across parentheses, past comments, a "soa" owner and quoted text', () => {
    expect(soaSerialOf(zone)).toBe(2026120701);
    expect(soaSerialOf('@ 300 IN soa ns1. h. 7 1 1 1 1\n')).toBe(7);
    expect(soaSerialOf('@ IN A 192.0.2.1\n')).toBeUndefined();
    expect(soaSerialOf('@ IN SOA ns1 h not-a-number 1 1 1 1\n')).toBeUndefined();
  });

  it('rewrites only the serial, every other byte as it was', () => {
    const raised = withSoaSerial(zone, 2026120799) as string;
    expect(raised).toBe(zone.replace('2026120701', '2026120799'));
    expect(soaSerialOf(raised)).toBe(2026120799);
    expect(withSoaSerial('nothing here', 5)).toBeUndefined();
  });
});
