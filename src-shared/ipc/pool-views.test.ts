import { describe, expect, it } from 'vitest';
import {
  comparePools,
  downsample,
  exhaustionForecastHours,
  fillRatePctPerHour,
  utilisationPct,
  type PoolView,
} from './pool-views';

const HOUR = 3_600_000;

describe('fillRatePctPerHour', () => {
  it('is the slope of a steady climb', () => {
    const points = [0, 1, 2, 3, 4].map((h) => ({ t: h * HOUR, pct: 20 + 5 * h }));
    expect(fillRatePctPerHour(points)).toBeCloseTo(5);
  });

  it('is not swung far by one odd reading', () => {
    const points = [0, 1, 2, 3, 4, 5, 6].map((h) => ({ t: h * HOUR, pct: 50 }));
    points[6] = { t: 6 * HOUR, pct: 60 };
    expect(fillRatePctPerHour(points)).toBeLessThan(10 / 6);
  });

  it('is null with too little history', () => {
    expect(fillRatePctPerHour([])).toBeNull();
    expect(fillRatePctPerHour([{ t: 0, pct: 10 }])).toBeNull();
    expect(
      fillRatePctPerHour([
        { t: 0, pct: 10 },
        { t: 60_000, pct: 90 },
      ]),
    ).toBeNull();
  });
});

describe('exhaustionForecastHours', () => {
  it('divides what is left by the rate', () => {
    expect(exhaustionForecastHours(60, 5)).toBeCloseTo(8);
  });
  it('is 0 when full and null when not filling', () => {
    expect(exhaustionForecastHours(100, null)).toBe(0);
    expect(exhaustionForecastHours(40, 0)).toBeNull();
    expect(exhaustionForecastHours(40, -2)).toBeNull();
    expect(exhaustionForecastHours(40, null)).toBeNull();
  });
});

describe('utilisationPct and downsample', () => {
  it('utilisation of an empty pool is 0 and never above 100', () => {
    expect(utilisationPct(0, 0)).toBe(0);
    expect(utilisationPct(3, 12)).toBe(25);
    expect(utilisationPct(13, 12)).toBe(100);
  });
  it('keeps short series and averages long ones to the cap', () => {
    expect(downsample([1, 2, 3], 4)).toEqual([1, 2, 3]);
    expect(downsample([1, 3, 5, 7], 2)).toEqual([2, 6]);
  });
});

describe('comparePools', () => {
  const row = (remoteId: string, pct: number, forecastHours: number | null): PoolView => ({
    remoteId,
    subnetId: 1,
    subnet: '10.0.0.0/24',
    total: 100,
    assigned: pct,
    declined: 0,
    utilisationPct: pct,
    spark: [],
    ratePctPerHour: null,
    forecastHours,
    reportedAt: 0,
    stale: false,
  });
  it('puts the fullest first, then the sooner exhaustion', () => {
    const sorted = [row('a', 50, null), row('b', 90, null), row('c', 50, 3), row('d', 50, 1)].sort(
      comparePools,
    );
    expect(sorted.map((r) => r.remoteId)).toEqual(['b', 'd', 'c', 'a']);
  });
});
