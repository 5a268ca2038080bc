import { describe, expect, it } from 'vitest';
import { BrokerHealthReport, HEALTH_STALE_AFTER_MS, assessBrokerHealth } from './health';

const report = (over: Partial<BrokerHealthReport> = {}): BrokerHealthReport => ({
  broker: 'primary',
  at: 1_000,
  heapUsedMb: 100,
  heapMaxMb: 247,
  oldLiveMb: 40,
  oldUsedMb: 60,
  oldMaxMb: 170,
  gcShare: 0.01,
  openFds: 120,
  maxFds: 65_536,
  connections: 30,
  ...over,
});

describe('assessBrokerHealth', () => {
  it.each([
    ['a broker with room', {}, 'ok', []],
    [
      'old generation 70 % full after collecting',
      { oldLiveMb: 119 },
      'warn',
      [/^Heap filling: .* 70 % full/],
    ],
    [
      'old generation 85 % full after collecting',
      { oldLiveMb: 145 },
      'bad',
      [/^Heap nearly full: .* 85 % full/],
    ],
    [
      'no collection yet: what the old generation holds now stands in',
      { oldLiveMb: null, oldUsedMb: 150 },
      'bad',
      [/holds 88 % full/],
    ],
    ['no old generation figures at all', { oldLiveMb: null, oldUsedMb: null, oldMaxMb: null }, 'ok', []],
    ['collecting a tenth of the time', { gcShare: 0.1 }, 'warn', [/^Collecting garbage 10 % of the time/]],
    ['collecting a third of the time', { gcShare: 0.35 }, 'bad', [/^Collecting garbage 35 % of the time/]],
    ['file descriptors 70 % used', { openFds: 700, maxFds: 1000 }, 'warn', [/700 of 1000 file descriptors/]],
    ['file descriptors 90 % used', { openFds: 900, maxFds: 1000 }, 'bad', [/900 of 1000 file descriptors/]],
    [
      'the worst finding first',
      { oldLiveMb: 125, gcShare: 0.4 },
      'bad',
      [/^Collecting garbage 40 %/, /^Heap filling/],
    ],
  ] as const)('%s', (_, over, level, findings) => {
    const h = assessBrokerHealth(report(over), 5_000, 5_000);
    expect(h.level).toBe(level);
    expect(h.findings).toHaveLength(findings.length);
    findings.forEach((f, i) => expect(h.findings[i]).toMatch(f));
    expect(h.stale).toBe(false);
  });

  it('says what to do about a full heap', () => {
    expect(assessBrokerHealth(report({ oldLiveMb: 160 }), 0, 0).findings[0]).toContain('-Xmx');
  });

  it('is stale once three reports were missed', () => {
    expect(assessBrokerHealth(report(), 0, HEALTH_STALE_AFTER_MS).stale).toBe(false);
    expect(assessBrokerHealth(report(), 0, HEALTH_STALE_AFTER_MS + 1).stale).toBe(true);
  });

  it('refuses a report that is not one', () => {
    expect(BrokerHealthReport.safeParse({ ...report(), gcShare: 2 }).success).toBe(false);
    expect(BrokerHealthReport.safeParse({ ...report(), heapMaxMb: 0 }).success).toBe(false);
    expect(BrokerHealthReport.safeParse({ broker: 'primary' }).success).toBe(false);
  });
});
