import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultAlertRules } from '../../../src-shared/alerts/rules';
import type { AlertNotice, AlertRule } from '../../../src-shared/ipc/alert-views';
import type { ConnectionStatus, RejectCounters } from '../../../src-shared/ipc/views';
import { makeEnvelope, type Envelope } from '../../../src-shared/protocol';
import { FleetModel } from '../fleet-model';
import type { ResultsListener } from '../result-inbox';
import { openDatabase, type Db } from '../store/database';
import { helloEnvelope, statsBody } from '../testing/fleet-envelopes';
import { helloBody } from '../testing/hello';
import { attachAlerts, type AlertsDeps, type AttachedAlerts } from './attach';
import { fleetCertFacts } from './profile-certs';
import type { PoolFact } from './facts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

/** A core as the alerts read it: a real fleet model, a connection status and counters the test sets. */
function harness(deps: AlertsDeps = {}, rules?: AlertRule[]) {
  const dir = mkdtempSync(join(tmpdir(), 'smt-alerts-'));
  const db: Db = openDatabase(join(dir, 'x.db'));
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  let t = 1_000_000;
  const fleet = new FleetModel();
  const status: ConnectionStatus = {
    brokers: [
      { name: 'primary', url: 'ssl://a:61614' },
      { name: 'backup', url: 'ssl://b:61614' },
    ],
    state: { kind: 'connected', broker: 0, since: 1 },
    lastFailoverAt: null,
    consoleId: 'c1',
  };
  const rejects: RejectCounters = { total: 0, byReason: {}, byRemote: {} };
  const resultListeners = new Set<ResultsListener>();
  const open = (): AttachedAlerts => {
    const alerts = attachAlerts(
      {
        fleet,
        connectionStatus: () => status,
        rejects: () => rejects,
        onResults: (l) => {
          resultListeners.add(l);
          return () => resultListeners.delete(l);
        },
      },
      db,
      deps,
      { now: () => t, intervalMs: 3_600_000, changedIntervalMs: 0, profile: 'lab' },
    );
    cleanups.push(() => alerts.close());
    return alerts;
  };
  const alerts = open();
  if (rules) alerts.saveRules(rules, 'tester');
  const notices: AlertNotice[] = [];
  alerts.onNotice((n) => void notices.push(n));
  return {
    db,
    fleet,
    status,
    rejects,
    alerts,
    notices,
    open,
    /** Moves the clock, then evaluates. */
    at: (ms: number) => {
      t += ms;
      alerts.evaluate();
    },
    now: () => t,
    result: (rs: Envelope<'result'>[]) => resultListeners.forEach((l) => l(rs)),
  };
}

const hear = (h: ReturnType<typeof harness>, id: string, cpu = 10) => {
  h.fleet.apply(helloEnvelope(id), h.now());
  h.fleet.apply(makeEnvelope('presence', id, { state: 'online', intervalMs: 1000, seq: 1 }), h.now());
  h.fleet.apply(makeEnvelope('stats', id, statsBody(1, cpu), { ts: h.now() }), h.now());
};

const open = (h: ReturnType<typeof harness>) => h.alerts.list({ limit: 100 }).alerts;

describe('alert evaluation', () => {
  it('raises an offline alert once the silence passes the threshold, and resolves it when the remote is back', () => {
    const h = harness({}, [{ ...defaultAlertRules['remote-offline'], threshold: 10 }]);
    hear(h, 'r1');
    h.at(0);
    expect(open(h)).toEqual([]);
    h.fleet.sweep(h.now() + 5_000);
    h.at(9_000);
    expect(open(h)).toEqual([]);
    h.at(2_000);
    expect(open(h)).toMatchObject([
      { rule: 'remote-offline', subject: 'r1', state: 'firing', severity: 'critical' },
    ]);
    expect(h.notices).toMatchObject([{ title: 'Remote offline: r1' }]);
    hear(h, 'r1');
    h.at(1_000);
    expect(open(h)).toEqual([]);
    expect(h.alerts.list({ states: ['resolved'], limit: 10 }).alerts).toMatchObject([
      { subject: 'r1', state: 'resolved' },
    ]);
  });

  it('holds CPU alerts for the hold time and resolves them only below the band', () => {
    const h = harness();
    hear(h, 'r1', 95);
    h.at(0);
    h.at(299_000);
    expect(open(h)).toEqual([]);
    h.fleet.apply(makeEnvelope('stats', 'r1', statsBody(2, 96), { ts: h.now() + 1 }), h.now());
    h.at(1_000);
    expect(open(h)).toMatchObject([{ rule: 'cpu-high', value: 96 }]);
    h.fleet.apply(makeEnvelope('stats', 'r1', statsBody(3, 85), { ts: h.now() + 2 }), h.now());
    h.at(5_000);
    expect(open(h)).toMatchObject([{ rule: 'cpu-high', value: 85, state: 'firing' }]);
    h.fleet.apply(makeEnvelope('stats', 'r1', statsBody(4, 70), { ts: h.now() + 3 }), h.now());
    h.at(5_000);
    expect(open(h)).toEqual([]);
  });

  it('raises a failed delivery and resolves it when the object applies on that remote', () => {
    const h = harness();
    const result = (state: 'failed' | 'applied') =>
      makeEnvelope('result', 'r1', {
        ref: crypto.randomUUID(),
        state,
        object: { kind: 'zone', name: 'a.test' },
        reason: 'bad zone',
      });
    h.result([result('failed')]);
    h.at(0);
    expect(open(h)).toMatchObject([
      {
        rule: 'delivery-failed',
        subject: 'zone:a.test@r1',
        message: expect.stringMatching(/failed: bad zone/),
      },
    ]);
    h.result([result('applied')]);
    h.at(0);
    expect(open(h)).toEqual([]);
  });

  it('tells of a failover while the console is on the second broker', () => {
    const h = harness();
    h.at(0);
    h.status.state = { kind: 'connected', broker: 1, since: 2 };
    h.status.lastFailoverAt = 2;
    h.at(1);
    expect(open(h)).toMatchObject([{ rule: 'broker-failover', subject: 'console', severity: 'info' }]);
    h.status.state = { kind: 'connected', broker: 0, since: 3 };
    h.at(1);
    expect(open(h)).toEqual([]);
  });

  it('counts refused frames per remote over the last minute', () => {
    const h = harness();
    h.rejects.byRemote = { bad: 5 };
    h.at(0);
    h.rejects.byRemote = { bad: 16 };
    h.at(30_000);
    expect(open(h)).toMatchObject([{ rule: 'frames-rejected', subject: 'bad', value: 11 }]);
    h.at(61_000);
    expect(open(h)).toEqual([]);
  });

  it('takes pools and certificates from their providers', () => {
    const pools: PoolFact[] = [
      { remoteId: 'k1', subnet: '10.0.0.0/24', utilisationPct: 85, exhaustionInH: null },
    ];
    const h = harness(
      {
        pools: () => pools,
        certs: () => [
          { subject: 'console', remoteId: null, notAfter: 1_000_000 + 10 * 86_400_000, source: 'c.pem' },
        ],
      },
      [
        { ...defaultAlertRules['pool-utilisation'], holdS: 0 },
        { ...defaultAlertRules['pool-exhaustion'], holdS: 0 },
      ],
    );
    h.at(0);
    expect(
      open(h)
        .map((a) => `${a.rule} ${a.subject}`)
        .sort(),
    ).toEqual(['cert-expiry cert:console', 'pool-utilisation scope:10.0.0.0/24@k1']);
    pools[0] = { ...(pools[0] as PoolFact), exhaustionInH: 3 };
    h.at(0);
    expect(open(h).map((a) => a.rule)).toContain('pool-exhaustion');
    // A trend not read yet (a busy console's pools view) neither resolves the exhaustion alert nor moves it.
    pools[0] = { remoteId: 'k1', subnet: '10.0.0.0/24', utilisationPct: 85 };
    h.at(0);
    expect(open(h).find((a) => a.rule === 'pool-exhaustion')).toMatchObject({ value: 3 });
    pools[0] = { ...(pools[0] as PoolFact), exhaustionInH: null };
    h.at(0);
    expect(open(h).map((a) => a.rule)).not.toContain('pool-exhaustion');
  });

  it("raises a remote's certificate expiry from its hello, with its remote id, and resolves it on renewal", () => {
    const day = 86_400_000;
    const certIn = (days: number) => ({
      notAfter: 1_000_000 + days * day,
      subject: 'CN=x',
      serial: '01',
      sha256: 'a'.repeat(64),
    });
    const hello = (id: string, cert?: ReturnType<typeof certIn>) =>
      makeEnvelope('hello', id, helloBody(id, cert ? { cert } : {}));
    const fleet: { m?: FleetModel } = {};
    const h = harness({ certs: () => (fleet.m ? fleetCertFacts(fleet.m)() : []) }, [
      defaultAlertRules['cert-expiry'],
    ]);
    fleet.m = h.fleet;
    h.fleet.apply(hello('r1', certIn(5)), h.now());
    h.fleet.apply(hello('r2'), h.now());
    h.fleet.apply(hello('r3', certIn(400)), h.now());
    h.at(0);
    expect(open(h)).toMatchObject([
      {
        rule: 'cert-expiry',
        subject: 'cert:r1',
        remoteId: 'r1',
        state: 'firing',
        value: 5,
        message: expect.stringMatching(/^the r1 certificate \(the remote's hello\) expires in 5 days/),
      },
    ]);
    // The agent restarted with a renewed certificate: its next hello resolves the alert.
    h.fleet.apply(hello('r1', certIn(400)), h.now());
    h.at(1_000);
    expect(open(h)).toEqual([]);
  });

  it('resolves what a rule raised when the rule is switched off', () => {
    const h = harness({}, [{ ...defaultAlertRules['remote-offline'], threshold: 1 }]);
    hear(h, 'r1');
    h.fleet.sweep(h.now() + 5_000);
    h.at(10_000);
    expect(open(h)).toHaveLength(1);
    h.alerts.saveRules([{ ...defaultAlertRules['remote-offline'], enabled: false }], 'tester');
    expect(open(h)).toEqual([]);
  });

  it('picks up the alerts open in the database instead of raising them again', () => {
    const h = harness({}, [{ ...defaultAlertRules['remote-offline'], threshold: 1 }]);
    hear(h, 'r1');
    h.fleet.sweep(h.now() + 5_000);
    h.at(10_000);
    const [first] = open(h);
    h.alerts.close();
    const again = h.open();
    h.at(1_000);
    expect(again.list({ limit: 10 }).alerts).toEqual([
      first ? { ...first, value: expect.any(Number), message: expect.any(String) } : undefined,
    ]);
    hear(h, 'r1');
    again.evaluate();
    expect(again.list({ limit: 10 }).alerts).toEqual([]);
  });

  it('acknowledges with an audit entry and tells the count changed', () => {
    const h = harness({}, [{ ...defaultAlertRules['remote-offline'], threshold: 1 }]);
    const changes: number[] = [];
    h.alerts.onChanged((e) => void changes.push(e.firing));
    hear(h, 'r1');
    h.fleet.sweep(h.now() + 5_000);
    h.at(10_000);
    const id = open(h)[0]?.id as string;
    expect(h.alerts.ack([id, 'a-999'], 'alice', 'on it')).toEqual({
      acknowledged: [id],
      refused: [{ id: 'a-999', reason: 'no such alert' }],
    });
    expect(open(h)).toMatchObject([{ id, state: 'acknowledged', acknowledgedBy: 'alice', comment: 'on it' }]);
    expect(h.alerts.list({ limit: 10 }).firing).toBe(0);
    expect(changes).toEqual([1, 0]);
    const audit = h.db
      .prepare("SELECT actor, action, subject, detail FROM audit WHERE action = 'alert-ack'")
      .all();
    expect(audit).toEqual([
      { actor: 'alice', action: 'alert-ack', subject: id, detail: expect.stringContaining('on it') },
    ]);
    expect(h.alerts.ack([id], 'bob').refused).toEqual([{ id, reason: 'already acknowledged' }]);
  });

  it('tells the count changed when another process acknowledged an alert', () => {
    const h = harness({}, [{ ...defaultAlertRules['remote-offline'], threshold: 1 }]);
    const changes: number[] = [];
    h.alerts.onChanged((e) => void changes.push(e.firing));
    hear(h, 'r1');
    h.fleet.sweep(h.now() + 5_000);
    h.at(10_000);
    // `smt ack` writes the database from its own process: no event reaches this one.
    h.alerts.store.ack([open(h)[0]?.id as string], 'cli-user', undefined, h.now());
    h.at(1_000);
    h.at(1_000);
    expect(changes).toEqual([1, 0]);
  });
});
