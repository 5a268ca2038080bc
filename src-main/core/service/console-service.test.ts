import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../src-node/log';
import { helloEnvelope, statsEnvelope } from '../testing/fleet-envelopes';
import { ConsoleService } from './console-service';
import type { ProfileSession } from './profile-session';
import { offlineSession } from './testing/offline-session';

const dirs: string[] = [];
const services: ConsoleService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A session on an unstarted core: what the service does with calls needs no broker. */
function service(): { svc: ConsoleService; session: ProfileSession; logs: LogEntry[] } {
  const { session, dir } = offlineSession('service');
  dirs.push(dir);
  const logs: LogEntry[] = [];
  const svc = new ConsoleService(session, { log: (e) => void logs.push(e) });
  services.push(svc);
  return { svc, session, logs };
}

describe('ConsoleService', () => {
  it('answers the fleet calls from the session’s core', async () => {
    const { svc } = service();
    expect(await svc.handle('getFleet', [])).toMatchObject({ ok: true, value: { remotes: [] } });
    expect(await svc.handle('getConnection', [])).toMatchObject({
      ok: true,
      value: { consoleId: 'c1', state: { kind: 'idle' }, brokers: [{ url: 'stomp+ssl://127.0.0.1:1' }] },
    });
    expect(await svc.handle('getRejects', [])).toEqual({
      ok: true,
      value: { total: 0, byReason: {}, byRemote: {} },
    });
  });

  it('refuses what the contract does not allow before any handler runs', async () => {
    const { svc } = service();
    expect(await svc.handle('getFleet', [1] as unknown as [])).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    expect(await svc.handle('reboot' as 'getFleet', [])).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: 'unknown call "reboot"' },
    });
    const bad = await svc.handle('getTrend', [{ remoteId: 'r-1', metric: 'cpu', range: '1y' }] as never);
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(!bad.ok && bad.error.message).toMatch(/range/);
  });

  it('charts a remote the fleet knows and says what to do about one it does not', async () => {
    const { svc, session } = service();
    const now = Date.now();
    session.core.fleet.apply(helloEnvelope('r-1'), now);
    session.trends.recorder.take(statsEnvelope('r-1', 1, now, 42));
    const series = await svc.handle('getTrend', [{ remoteId: 'r-1', metric: 'cpu', range: '1h' }]);
    expect(series).toMatchObject({ ok: true, value: { remoteId: 'r-1', stepMs: 10_000, avg: [42] } });
    expect(await svc.handle('getTrend', [{ remoteId: 'r-9', metric: 'cpu', range: '1h' }])).toEqual({
      ok: false,
      error: {
        code: 'not-found',
        message: "No remote r-9 in this profile's fleet: pick one from the fleet table.",
      },
    });
  });

  it('searches and exports the profile’s audit trail, and answers the broker path without a session', async () => {
    const { svc, session } = service();
    session.push.store.audit({ at: 1_000, actor: 'alice', action: 'command', subject: 'reload named' });
    session.push.store.audit({ at: 2_000, actor: 'bob', action: 'push', subject: 'p-1' });
    expect(await svc.handle('queryAudit', [{ text: 'alice', offset: 0, limit: 100 }])).toMatchObject({
      ok: true,
      value: { total: 1, entries: [{ actor: 'alice', profile: 'x', subject: 'reload named' }] },
    });
    const csv = await svc.handle('exportAuditCsv', [{ action: 'push', offset: 0, limit: 100 }]);
    expect(csv.ok && csv.value.filename).toMatch(/^smt-audit-x-\d{8}T\d{6}Z\.csv$/);
    expect(csv.ok && csv.value.csv.split('\r\n')[1]).toBe('1970-01-01T00:00:02.000Z,x,bob,push,p-1,');
    expect(await svc.handle('getRemoteDeliveries', [{ remoteId: 'r-1', limit: 20 }])).toEqual({
      ok: true,
      value: { remoteId: 'r-1', deliveries: [], backlog: { queued: 0, sent: 0, oldestQueuedAt: null } },
    });
    const path = await svc.handle('getBrokerPath', []);
    expect(path).toMatchObject({
      ok: true,
      value: {
        active: null,
        connection: 'idle',
        remotes: [],
        brokers: [{ name: 'primary', active: false, reachable: false }],
      },
    });
    expect(path.ok && path.value.statsProblem).toMatch(/no broker session/);
  });

  it('keeps an internal failure’s details in the log, not in the answer', async () => {
    const { svc, session, logs } = service();
    session.core.fleet.apply(helloEnvelope('r-1'), Date.now());
    const read = session.trends.recorder.query.bind(session.trends.recorder);
    session.trends.recorder.query = () => {
      throw new Error('SQLITE_IOERR: disk I/O error');
    };
    const r = await svc.handle('getTrend', [{ remoteId: 'r-1', metric: 'cpu', range: '1h' }]);
    expect(r).toEqual({
      ok: false,
      error: { code: 'internal', message: 'getTrend failed inside the console; its log has the details.' },
    });
    expect(logs.find((l) => l.msg === 'call getTrend failed')?.error).toMatch(/disk I\/O error/);
    session.trends.recorder.query = read;
  });
});
