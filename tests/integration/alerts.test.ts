/**
 * Alerts on real brokers: a console session on the lab profile evaluates the remote-offline rule (with a
 * short threshold and hold) against a simulated remote that stops and comes back; `smt` lists and
 * acknowledges the alert from the profile's database as an operator would.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsolePassphrase, labConsoleSealers } from '../../lab/lab';
import { defaultAlertRules } from '../../src-shared/alerts/rules';
import type { AlertNotice } from '../../src-shared/ipc/alert-views';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { brokerCertFacts } from '../../src-main/core/alerts/profile-certs';
import { openProfileSession, type ProfileSession } from '../../src-main/core/service/profile-session';
import { waitFor } from '../../src-node/smt/testing/wait';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { runSmt } from '../helpers/smt-cli';

const REMOTE = 'r-0950';

let lab: LabFixture | undefined;
let sim: Simulation | undefined;
let session: ProfileSession | undefined;
let dir = '';
let passphrase = '';
const notices: AlertNotice[] = [];

const smt = (...args: string[]) =>
  runSmt({ lab: lab?.opts, db: join(dir, 'console.db'), passphrase }, ...args);
const remoteSim = () => startSimulation({ remotes: 1, first: 950, lab: lab?.opts, presenceIntervalMs: 500 });
const offlineAlerts = () =>
  (session as ProfileSession).alerts
    .list({ states: ['firing', 'acknowledged', 'resolved'], limit: 100 })
    .alerts.filter((a) => a.rule === 'remote-offline' && a.subject === REMOTE);

beforeAll(async () => {
  lab = await startLab();
  dir = await mkdtemp(join(tmpdir(), 'smt-alerts-'));
  passphrase = await labConsolePassphrase(lab.opts);
  sim = await remoteSim();
  session = await openProfileSession({
    profileFile: consoleProfilePath(lab.opts),
    dbFile: join(dir, 'console.db'),
    sealers: await labConsoleSealers(lab.opts),
    core: { sweepIntervalMs: 500 },
  });
  session.alerts.onNotice((n) => void notices.push(n));
  // Two seconds of silence, held one more: the test does not wait the default two minutes.
  session.alerts.saveRules(
    [{ ...defaultAlertRules['remote-offline'], threshold: 2, holdS: 1 }],
    'alerts test',
  );
}, 180_000);

afterAll(async () => {
  await session?.close();
  await sim?.stop();
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('alerts on a live fleet', () => {
  it('raises an offline alert once a stopped remote stayed silent past the rule, and tells of it', async () => {
    const s = session as ProfileSession;
    await waitFor('the remote online', () => s.core.fleet.get(REMOTE)?.status === 'online', 60_000);
    s.alerts.evaluate();
    expect(offlineAlerts()).toEqual([]);
    // The broker the session reached presented its certificate: its expiry is known to the cert rule.
    expect(brokerCertFacts(s.core.brokers)()).toEqual([
      expect.objectContaining({ subject: 'broker:primary', notAfter: expect.any(Number) }),
    ]);
    await sim?.stop();
    sim = undefined;
    const [alert] = await waitFor(
      'the offline alert',
      () => {
        const open = offlineAlerts().filter((a) => a.state === 'firing');
        return open.length > 0 && open;
      },
      60_000,
    );
    expect(alert).toMatchObject({ severity: 'critical', remoteId: REMOTE, resolvedAt: null });
    expect(alert?.message).toMatch(/r-0950 .*has been silent for \d+ s/);
    // Only this rule's notices: the lab's other conditions (none expected) must not hide it.
    expect(notices.filter((n) => n.title.startsWith('Remote offline'))).toEqual([
      expect.objectContaining({ title: `Remote offline: ${REMOTE}`, alertIds: [alert?.id] }),
    ]);
  }, 90_000);

  it('lists the alert and acknowledges it from the CLI, audited with the comment', async () => {
    const listed = await smt('alerts', '--firing', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const { alerts, firing } = JSON.parse(listed.stdout) as {
      firing: number;
      alerts: { id: string; subject: string }[];
    };
    expect(firing).toBe(1);
    expect(alerts.map((a) => a.subject)).toEqual([REMOTE]);
    const id = alerts[0]?.id as string;
    const ack = await smt('ack', id, 'a-999999', '--comment', 'maintenance window');
    expect(ack.code, ack.stderr).toBe(4);
    expect(ack.stdout).toBe(`acknowledged ${id}\nrefused a-999999: no such alert\n`);
    expect(offlineAlerts()).toMatchObject([{ id, state: 'acknowledged', comment: 'maintenance window' }]);
    const audit = (session as ProfileSession).db
      .prepare<[], { subject: string; detail: string }>(
        "SELECT subject, detail FROM audit WHERE action = 'alert-ack'",
      )
      .all();
    expect(audit).toEqual([{ subject: id, detail: expect.stringContaining('maintenance window') }]);
    const again = await smt('alerts');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`${id}\\s+critical\\s+acknowledged by \\S+`));
  }, 60_000);

  it('resolves the alert when the remote comes back', async () => {
    sim = await remoteSim();
    const [resolved] = await waitFor(
      'the alert resolved',
      () => {
        const done = offlineAlerts().filter((a) => a.state === 'resolved');
        return done.length > 0 && done;
      },
      60_000,
    );
    expect(resolved?.resolvedAt).toEqual(expect.any(Number));
    expect(offlineAlerts().filter((a) => a.state !== 'resolved')).toEqual([]);
  }, 90_000);
});
