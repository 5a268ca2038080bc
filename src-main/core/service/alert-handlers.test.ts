import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultAlertRules } from '../../../src-shared/alerts/rules';
import { alertRuleKinds } from '../../../src-shared/ipc/alert-views';
import { AuditStore } from '../store/audit-store';
import { ConsoleService } from './console-service';
import { offlineSession } from './testing/offline-session';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function service() {
  const { session, dir } = offlineSession('alert-handlers');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const svc = new ConsoleService(session, { actor: 'alice' });
  cleanups.push(() => svc.close());
  return { svc, session };
}

describe('alert calls', () => {
  it('answers the default rules until some are saved, then the saved ones with the rest defaulted', async () => {
    const { svc } = service();
    const before = await svc.handle('getAlertRules', []);
    expect(before).toMatchObject({ ok: true });
    expect(before.ok && before.value.map((r) => r.kind)).toEqual(alertRuleKinds);
    const saved = await svc.handle('saveAlertRules', [
      [{ ...defaultAlertRules['cpu-high'], threshold: 75, hysteresis: 5 }],
    ]);
    expect(saved.ok && saved.value.find((r) => r.kind === 'cpu-high')).toMatchObject({ threshold: 75 });
    const after = await svc.handle('getAlertRules', []);
    expect(after.ok && after.value.find((r) => r.kind === 'cpu-high')?.threshold).toBe(75);
    expect(after.ok && after.value.find((r) => r.kind === 'drift')).toEqual(defaultAlertRules.drift);
  });

  it('refuses rules that make no sense, naming what is wrong', async () => {
    const { svc } = service();
    expect(
      await svc.handle('saveAlertRules', [[defaultAlertRules.drift, defaultAlertRules.drift]]),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/a second drift rule/) },
    });
    expect(
      await svc.handle('saveAlertRules', [[{ ...defaultAlertRules['cpu-high'], threshold: null }]]),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(/needs a threshold/) },
    });
    expect(
      await svc.handle('saveAlertRules', [[{ ...defaultAlertRules.drift, kind: 'moon' } as never]]),
    ).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('lists, acknowledges (audited as the actor) and tells the count changed', async () => {
    const { svc, session } = service();
    const changed: number[] = [];
    svc.subscribe('alertsChanged', (e) => void changed.push(e.firing));
    const { alert } = session.alerts.store.fire({
      rule: 'drift',
      subject: 'zone:a.test@r1',
      remoteId: 'r1',
      severity: 'warning',
      message: 'zone a.test is drifted on r1',
      value: null,
      at: 5,
    });
    expect(await svc.handle('listAlerts', [{ limit: 10 }])).toMatchObject({
      ok: true,
      value: { firing: 1, alerts: [{ id: alert.id, state: 'firing' }] },
    });
    expect(await svc.handle('ackAlerts', [{ ids: [alert.id, 'a-77'], comment: 'known' }])).toEqual({
      ok: true,
      value: { acknowledged: [alert.id], refused: [{ id: 'a-77', reason: 'no such alert' }] },
    });
    expect(changed).toEqual([0]);
    expect(new AuditStore(session.db, 'x').trail().filter((e) => e.action === 'alert-ack')).toMatchObject([
      { actor: 'alice', subject: alert.id, detail: { comment: 'known', rule: 'drift' } },
    ]);
    expect(await svc.handle('listAlerts', [{ states: ['firing'], limit: 10 }])).toMatchObject({
      ok: true,
      value: { firing: 0, alerts: [] },
    });
    expect(await svc.handle('ackAlerts', [{ ids: [] }])).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });
});
