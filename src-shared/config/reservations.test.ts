import { describe, expect, it } from 'vitest';
import {
  applyReservationChange,
  refusing,
  ReservationChangeError,
  reservationProblems,
  type Reservation,
} from './reservations';

const scope = { subnet: '192.0.2.0/24', pools: [{ start: '192.0.2.100', end: '192.0.2.199' }] };
const printer: Reservation = { ipAddress: '192.0.2.10', hwAddress: '52:54:00:12:34:56', hostname: 'printer' };
const phone: Reservation = { ipAddress: '192.0.2.11', hwAddress: '52:54:00:aa:bb:cc' };

describe('reservationProblems', () => {
  it('finds nothing wrong with distinct reservations outside the pools', () => {
    expect(reservationProblems(scope, [printer, phone])).toEqual([]);
  });

  it.each<[string, Reservation[], number, string, string]>([
    [
      'an address outside the subnet',
      [printer, { ...phone, ipAddress: '198.51.100.7' }],
      1,
      'outside-subnet',
      'reservation 198.51.100.7 for 52:54:00:aa:bb:cc: 198.51.100.7 is outside the subnet 192.0.2.0/24',
    ],
    [
      'an address inside a pool',
      [{ ...phone, ipAddress: '192.0.2.150' }],
      0,
      'in-pool',
      'reservation 192.0.2.150 for 52:54:00:aa:bb:cc: 192.0.2.150 is inside the pool 192.0.2.100-192.0.2.199',
    ],
    [
      'an address reserved twice',
      [printer, { ...phone, ipAddress: printer.ipAddress }],
      1,
      'duplicate-ip',
      'reservation 192.0.2.10 for 52:54:00:aa:bb:cc: 192.0.2.10 is already reserved for 52:54:00:12:34:56',
    ],
    [
      'a MAC with two reservations, whatever its case',
      [printer, { ...phone, hwAddress: printer.hwAddress.toUpperCase() }],
      1,
      'duplicate-mac',
      'reservation 192.0.2.11 for 52:54:00:12:34:56: 52:54:00:12:34:56 already has the reservation 192.0.2.10',
    ],
    [
      'a malformed MAC',
      [{ ...phone, hwAddress: '52:54:00:zz' }],
      0,
      'malformed',
      'reservation 192.0.2.11 for 52:54:00:zz: "52:54:00:zz" is not a MAC address',
    ],
    [
      'a malformed address',
      [{ ...phone, ipAddress: '192.0.2.300' }],
      0,
      'malformed',
      '"192.0.2.300" is not an IPv4 address',
    ],
    [
      'a malformed host name',
      [{ ...phone, hostname: 'bad_name' }],
      0,
      'malformed',
      '"bad_name" is not a host name',
    ],
  ])('names %s', (_what, list, index, kind, message) => {
    const problems = reservationProblems(scope, list);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ index, kind });
    expect(problems[0]?.message).toContain(message);
  });

  it('does not raise an in-pool reservation the intended scope already had', () => {
    const inPool = { ...phone, ipAddress: '192.0.2.150' };
    expect(reservationProblems(scope, [inPool, printer], [inPool])).toEqual([]);
    // Changed (another host name): it is new again, and told.
    expect(reservationProblems(scope, [{ ...inPool, hostname: 'x' }], [inPool])).toHaveLength(1);
  });

  it('lets the admin allow in-pool reservations, and nothing else', () => {
    const problems = reservationProblems(scope, [
      { ...phone, ipAddress: '192.0.2.150' },
      { ...printer, ipAddress: '10.0.0.1' },
    ]);
    expect(refusing(problems, true).map((p) => p.kind)).toEqual(['outside-subnet']);
    expect(refusing(problems, false).map((p) => p.kind)).toEqual(['in-pool', 'outside-subnet']);
  });
});

describe('applyReservationChange', () => {
  it('adds, edits and deletes by MAC', () => {
    const added = applyReservationChange([printer], { op: 'add', reservation: phone });
    expect(added).toEqual([printer, phone]);
    const edited = applyReservationChange(added, {
      op: 'edit',
      hwAddress: phone.hwAddress.toUpperCase(),
      reservation: { ...phone, hostname: 'phone' },
    });
    expect(edited).toEqual([printer, { ...phone, hostname: 'phone' }]);
    expect(applyReservationChange(edited, { op: 'delete', hwAddress: printer.hwAddress })).toEqual([
      { ...phone, hostname: 'phone' },
    ]);
  });

  it('refuses to edit or delete a MAC with no reservation, naming it', () => {
    expect(() => applyReservationChange([printer], { op: 'delete', hwAddress: phone.hwAddress })).toThrow(
      new ReservationChangeError('no reservation for 52:54:00:aa:bb:cc in this scope'),
    );
  });
});
