import { describe, expect, it } from 'vitest';
import type { PoolView } from '../../../src-shared/ipc/pool-views';
import { poolFacts } from './pool-facts';

const row = (over: Partial<PoolView>): PoolView => ({
  remoteId: 'r-1',
  subnetId: 7,
  subnet: '10.0.0.0/24',
  total: 100,
  assigned: 85,
  declined: 0,
  utilisationPct: 85,
  spark: [],
  ratePctPerHour: 2,
  forecastHours: 7.5,
  reportedAt: 1,
  stale: false,
  ...over,
});

describe('poolFacts', () => {
  it('names a pool by its range, else its subnet, else its id, and carries utilisation and forecast', () => {
    expect(
      poolFacts([
        row({}),
        row({ pool: '10.0.0.10-10.0.0.20' }),
        row({ pool: '10.0.0.30-10.0.0.40', utilisationPct: 20, forecastHours: null }),
        row({ subnet: undefined, forecastHours: null }),
      ]),
    ).toEqual([
      { remoteId: 'r-1', subnet: '10.0.0.0/24', utilisationPct: 85, exhaustionInH: 7.5 },
      { remoteId: 'r-1', subnet: '10.0.0.10-10.0.0.20', utilisationPct: 85, exhaustionInH: 7.5 },
      { remoteId: 'r-1', subnet: '10.0.0.30-10.0.0.40', utilisationPct: 20, exhaustionInH: null },
      { remoteId: 'r-1', subnet: 'subnet id 7', utilisationPct: 85, exhaustionInH: null },
    ]);
  });

  it("says nothing of exhaustion while the row's trend is not read yet", () => {
    expect(poolFacts([row({ trendPending: true, forecastHours: null })])).toEqual([
      { remoteId: 'r-1', subnet: '10.0.0.0/24', utilisationPct: 85 },
    ]);
  });

  it("leaves out the pool row of a subnet with one pool: the subnet's own number, one alert", () => {
    const subnet = row({});
    const only = row({ pool: '10.0.0.10-10.0.0.109' });
    expect(poolFacts([subnet, only]).map((f) => f.subnet)).toEqual(['10.0.0.0/24']);
    // Two pools: each is a subject of its own, whatever its counts. Another remote's subnet id 7 is
    // another subnet, of one pool: left out there too.
    const two = [
      subnet,
      row({ pool: '10.0.0.10-10.0.0.109' }),
      row({ pool: '10.0.0.200-10.0.0.209', assigned: 10 }),
      row({ remoteId: 'r-2', pool: '10.0.0.10-10.0.0.109' }),
    ];
    expect(poolFacts(two).map((f) => `${f.subnet}@${f.remoteId}`)).toEqual([
      '10.0.0.0/24@r-1',
      '10.0.0.10-10.0.0.109@r-1',
      '10.0.0.200-10.0.0.209@r-1',
    ]);
  });

  it('leaves stale rows out: an old number neither fires nor resolves an alert', () => {
    expect(poolFacts([row({ stale: true })])).toEqual([]);
  });
});
