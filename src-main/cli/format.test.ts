import { describe, expect, it } from 'vitest';
import type { DeliveryState } from '../../src-shared/push/delivery';
import { summarize } from '../../src-shared/push/summary';
import type { PushProgress } from '../core/push/progress-feed';
import { Exit } from './args';
import {
  cancelText,
  deliveriesJson,
  isSettled,
  outcome,
  poolsJson,
  poolsText,
  progressLine,
  remotesJson,
  remotesText,
} from './format';

const ID = '3f1c2b9e-8a4d-4c1e-9f7a-2b6d5e4c3a21';
const base = (smtId: string) => ({ smtId, attempt: 1, queuedAt: 0, since: 1 });
const applied = (smtId: string): DeliveryState => ({ kind: 'applied', ...base(smtId), sha256: 'x' });
const failed = (smtId: string, reason: string): DeliveryState => ({ kind: 'failed', ...base(smtId), reason });
const sent = (smtId: string): DeliveryState => ({ kind: 'sent', ...base(smtId), sentAt: 1 });

function progress(
  targets: string[],
  deliveries: Map<string, DeliveryState>,
  state: PushProgress['state'] = 'open',
  haltReason: string | null = null,
): PushProgress {
  return {
    pushId: ID,
    state,
    haltReason,
    summary: summarize(targets, deliveries, 10),
    step: { kind: 'wait' },
  } as PushProgress;
}

describe('remotes', () => {
  const now = Date.parse('2026-01-01T12:00:00Z');
  const remotes = [
    {
      id: 'r-0002',
      hostname: 'b.lab',
      status: 'unknown' as const,
      capabilities: ['dhcp4'],
      tags: [],
      lastSeen: now - 3 * 86_400_000,
      certNotAfter: null,
    },
    {
      id: 'r-0001',
      hostname: 'a.lab',
      status: 'online' as const,
      capabilities: ['dns'],
      tags: ['site:ams'],
      lastSeen: now - 4_500,
      certNotAfter: Date.parse('2026-01-06T08:00:00Z'),
    },
    {
      id: 'r-0003',
      hostname: 'c.lab',
      status: 'offline' as const,
      capabilities: [],
      tags: [],
      lastSeen: null,
      certNotAfter: null,
    },
  ];

  it('lists them in id order with when each was last heard and its certificate expires, as JSON and as a table', () => {
    expect(remotesJson(remotes, now)).toEqual([
      expect.objectContaining({
        id: 'r-0001',
        lastSeen: '2026-01-01T11:59:55.500Z',
        lastSeenAgeS: 4,
        certNotAfter: '2026-01-06T08:00:00.000Z',
      }),
      expect.objectContaining({ id: 'r-0002', status: 'unknown', lastSeenAgeS: 259_200, certNotAfter: null }),
      expect.objectContaining({ id: 'r-0003', lastSeen: null, lastSeenAgeS: null }),
    ]);
    expect(remotesText(remotes, now).split('\n')).toEqual([
      'REMOTE  STATUS   LAST SEEN  CERT EXPIRES  HOSTNAME  CAPABILITIES  TAGS',
      'r-0001  online   4 s ago    2026-01-06    a.lab     dns           site:ams',
      'r-0002  unknown  3 d ago    -             b.lab     dhcp4',
      'r-0003  offline  never      -             c.lab',
    ]);
  });
});

describe('push outcome', () => {
  it('is 0 only when every target applied', () => {
    const d = new Map([
      ['r-1', applied('a')],
      ['r-2', applied('b')],
    ]);
    const p = progress(['r-1', 'r-2'], d, 'done');
    expect(isSettled(p)).toBe(true);
    expect(outcome(p, d)).toEqual({ code: Exit.ok, reason: 'all 2 applied' });
  });

  it('is 4 naming the first remote that did not apply, and why', () => {
    const d = new Map([
      ['r-1', applied('a')],
      ['r-2', failed('b', 'named-checkzone: bad SOA')],
    ]);
    expect(outcome(progress(['r-1', 'r-2'], d, 'done'), d)).toEqual({
      code: Exit.failed,
      reason: '1 of 2 not applied (r-2 failed: named-checkzone: bad SOA)',
    });
    expect(deliveriesJson(d)).toEqual([
      { remote: 'r-1', state: 'applied', smtId: 'a' },
      { remote: 'r-2', state: 'failed', smtId: 'b', reason: 'named-checkzone: bad SOA' },
    ]);
  });

  it('is 5 with the halt reason when a canary halted', () => {
    const d = new Map([['r-1', failed('a', 'bad')]]);
    const p = progress(['r-1', 'r-2'], d, 'halted', 'r-1 failed: bad');
    expect(isSettled(p)).toBe(true);
    expect(outcome(p, d)).toEqual({ code: Exit.halted, reason: 'canary halted: r-1 failed: bad' });
  });

  it('is not settled while a remote has not answered, and counts it as waiting', () => {
    const d = new Map([
      ['r-1', applied('a')],
      ['r-2', sent('b')],
    ]);
    const p = progress(['r-1', 'r-2', 'r-3'], d);
    expect(isSettled(p)).toBe(false);
    expect(progressLine(p)).toBe(`push ${ID}: 1/3 applied, 2 waiting, 0 failed`);
  });
});

describe('cancelText', () => {
  it('says what was withdrawn and what remotes already have', () => {
    expect(cancelText({ cancelled: 18, withRemote: 2, unreachable: 0 })).toBe(
      'cancelled 18; 2 already with their remotes (they will apply it)',
    );
    expect(cancelText({ cancelled: 0, withRemote: 1, unreachable: 0 })).toBe(
      'cancelled 0; 1 already with its remote (it will apply it)',
    );
    expect(cancelText({ cancelled: 3, withRemote: 0, unreachable: 4 })).toBe(
      'cancelled 3; 4 not withdrawn: no broker session',
    );
  });
});

describe('smt pools', () => {
  const view = {
    total: 2,
    pools: [
      {
        remoteId: 'r2',
        subnetId: 1,
        subnet: '10.1.0.0/24',
        total: 50,
        assigned: 45,
        declined: 1,
        utilisationPct: 90,
        spark: [80, 90],
        ratePctPerHour: 2.5,
        forecastHours: 4,
        reportedAt: 0,
        stale: false,
      },
      {
        remoteId: 'r1',
        subnetId: 3,
        total: 10,
        assigned: 1,
        declined: 0,
        utilisationPct: 10,
        spark: [],
        ratePctPerHour: null,
        forecastHours: null,
        reportedAt: 0,
        stale: true,
      },
    ],
  };
  it('prints fullest first with forecast, and an unnamed subnet by id', () => {
    const lines = poolsText(view).split('\n');
    expect(lines[0]).toMatch(
      /^REMOTE\s+SUBNET\s+POOL\s+TOTAL\s+ASSIGNED\s+DECLINED\s+USED\s+TREND\s+FULL IN/,
    );
    expect(lines[1]).toMatch(/^r2\s+10\.1\.0\.0\/24\s+-\s+50\s+45\s+1\s+90\.0%\s+\+2\.5%\/h\s+4 h/);
    expect(lines[2]).toMatch(/^r1\s+id 3\s+-\s+10\s+1\s+0\s+10\.0%\s+-\s+-\s+stale/);
    expect(poolsJson(view)[0]).toMatchObject({ subnet: '10.1.0.0/24', pool: null, forecastHours: 4 });
    expect(poolsText({ total: 0, pools: [] })).toMatch(/^no DHCP pools/);
  });
});
