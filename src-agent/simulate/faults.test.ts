import { describe, expect, it } from 'vitest';
import { faultsFor, parseFaults } from './faults';

describe('simulate --faults', () => {
  it('applies rules for all remotes and for one remote', () => {
    const spec = parseFaults(
      'slow=200, r-0002:fail-validation,r-0003:offline=1000/500,r-0004:crash-before-ack',
    );
    expect(faultsFor(spec, 'r-0001')).toEqual({
      failValidation: false,
      applyDelayMs: 200,
      crashBeforeAck: false,
    });
    expect(faultsFor(spec, 'r-0002')).toMatchObject({ failValidation: true, applyDelayMs: 200 });
    expect(faultsFor(spec, 'r-0003').offline).toEqual({ afterMs: 1000, forMs: 500 });
    expect(faultsFor(spec, 'r-0004').crashBeforeAck).toBe(true);
    expect(faultsFor(parseFaults('r-0005:drift=3000'), 'r-0005').driftAfterMs).toBe(3000);
    expect(faultsFor(parseFaults('r-0005:drift=3000'), 'r-0001').driftAfterMs).toBeUndefined();
    expect(faultsFor(parseFaults('r-0006:cert-expiring=5'), 'r-0006').certExpiringDays).toBe(5);
    expect(faultsFor(parseFaults('r-0006:cert-expiring=5'), 'r-0001').certExpiringDays).toBeUndefined();
    expect(faultsFor(parseFaults('cert-expiring=0'), 'r-0001').certExpiringDays).toBe(0);
    expect(parseFaults('')).toEqual([]);
  });

  it('names the item that is wrong and shows the syntax', () => {
    expect(() => parseFaults('slow=fast')).toThrow(
      /fault "slow=fast": "fast" is not a number of milliseconds/,
    );
    expect(() => parseFaults('r-0001:explode')).toThrow(/unknown fault "explode"/);
    expect(() => parseFaults('fail-validation=1')).toThrow(/takes no value/);
    expect(() => parseFaults('offline=5')).toThrow(/is not a number of milliseconds/);
    expect(() => parseFaults('cert-expiring')).toThrow(/fault "cert-expiring": "" is not a number of days/);
    expect(() => parseFaults('cert-expiring=-1')).toThrow(/"-1" is not a number of days \(0-3650\)/);
    expect(() => parseFaults('cert-expiring=9999')).toThrow(/is not a number of days/);
  });
});
