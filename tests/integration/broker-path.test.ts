/**
 * The Broker screen's figures from real brokers: remotes that are away while a push is made show their
 * config queue's depth and the oldest message's age (statistics plugin + queue browser); once they are
 * back the backlog drains to nothing, and the Remote screen's deliveries say the same from the outbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleProfilePath, labConsoleSealers, labConsoleTls } from '../../lab/lab';
import { startSimulation, type Simulation } from '../../src-agent/simulate/simulation';
import { ConsoleService } from '../../src-main/core/service/console-service';
import { openProfileSession } from '../../src-main/core/service/profile-session';
import type { BrokerPathView, RemoteQueues } from '../../src-shared/ipc/broker-views';
import { waitFor } from '../../src-node/smt/testing/wait';
import { fleetZonePush } from '../helpers/push-console';
import { startLab, type LabFixture } from '../helpers/lab-fixture';
import { StompProbe } from '../helpers/stomp-probe';

let lab: LabFixture | undefined;
let svc: ConsoleService | undefined;
let staying: Simulation | undefined;
let away: Simulation | undefined;
const dir = mkdtempSync(join(tmpdir(), 'smt-broker-path-'));
const stateDir = join(dir, 'remotes');
// r-0003 and r-0004 go away; the simulation's even remotes run DNS.
const AWAY = ['r-0003', 'r-0004'];

beforeAll(async () => {
  lab = await startLab();
  const session = await openProfileSession({
    profileFile: consoleProfilePath(lab.opts),
    dbFile: join(dir, 'console.db'),
    sealers: await labConsoleSealers(lab.opts),
  });
  svc = new ConsoleService(session, { actor: 'alice' });
  staying = await startSimulation({ remotes: 2, first: 1, lab: lab.opts, stateDir });
  away = await startSimulation({ remotes: 2, first: 3, lab: lab.opts, stateDir });
  await waitFor(
    'the fleet online in the console',
    () => ['r-0001', 'r-0002', ...AWAY].every((id) => session.core.fleet.get(id)?.status === 'online'),
    60_000,
  );
});

afterAll(async () => {
  await staying?.stop();
  await away?.stop();
  await svc?.close();
  await lab?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function brokerPath(): Promise<BrokerPathView> {
  const r = await (svc as ConsoleService).handle('getBrokerPath', []);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const row = (v: BrokerPathView, id: string): RemoteQueues | undefined =>
  v.remotes.find((r) => r.remoteId === id);

describe('broker path', () => {
  it('names the active broker, and the standby as not accepting connections', async () => {
    const v = await brokerPath();
    expect(v.active).toMatchObject({ name: 'primary' });
    expect(v.connection).toBe('connected');
    expect(v.brokers.map((b) => [b.name, b.active, b.reachable])).toEqual([
      ['primary', true, true],
      ['secondary', false, false],
    ]);
    expect(v.statsProblem).toBeNull();
    // Every remote's queues are known, each consumed by its remote.
    for (const id of ['r-0001', 'r-0002', ...AWAY]) {
      expect(row(v, id)).toMatchObject({ config: { size: 0, consumers: 1 }, stuck: false });
    }
  });

  it("shows the active broker's health from its own reports: heap, file descriptors, connections", async () => {
    const v = await waitFor('a health report', async () => (await brokerPath()).health ?? undefined, 30_000);
    expect(v.report.broker).toBe('primary');
    // The console and four remotes at least; each connection holds a descriptor.
    expect(v.report.connections).toBeGreaterThanOrEqual(5);
    expect(v.report.openFds).toBeGreaterThan(v.report.connections);
    expect(v.report.heapUsedMb).toBeLessThanOrEqual(v.report.heapMaxMb);
    expect(v).toMatchObject({ level: 'ok', findings: [], stale: false });
  });

  it('refuses a health report that a client sent, keeping the broker’s', async () => {
    const core = (svc as ConsoleService).session.core;
    const before = core.brokerHealth.refusedCount;
    const tls = await labConsoleTls((lab as LabFixture).opts);
    const { probe } = await StompProbe.session({
      port: (lab as LabFixture).brokers.find((b) => b.name === 'primary')?.port ?? 0,
      tls: { ca: tls.ca, cert: tls.cert, key: tls.key },
    });
    try {
      const forged = { ...(await brokerPath()).health?.report, broker: 'forged', heapUsedMb: 1 };
      await probe.send('/topic/smt.broker.health', JSON.stringify(forged));
      await waitFor('the forged report refused', () => core.brokerHealth.refusedCount > before, 10_000);
      expect(core.brokerHealth.current()?.report.broker).toBe('primary');
    } finally {
      probe.close();
    }
  });

  it('shows the backlog of remotes that are away, with its age, and its draining once they are back', async () => {
    const s = svc as ConsoleService;
    await (away as Simulation).stop();
    await waitFor(
      'the away remotes’ consumers gone',
      async () => {
        const v = await brokerPath();
        return AWAY.every((id) => row(v, id)?.config?.consumers === 0) ? true : undefined;
      },
      30_000,
    );
    const pushedAt = Date.now();
    const created = s.session.push.engine.push(fleetZonePush(1));
    const targets = created.push.targets;
    const waitingAway = AWAY.filter((id) => targets.includes(id));
    expect(waitingAway.length).toBeGreaterThan(0);
    const v = await waitFor(
      'the away remotes’ config messages counted',
      async () => {
        const view = await brokerPath();
        return waitingAway.every((id) => row(view, id)?.config?.size === 1) ? view : undefined;
      },
      30_000,
    );
    for (const id of waitingAway) {
      const oldestAt = row(v, id)?.config?.oldestAt ?? 0;
      expect(oldestAt).toBeGreaterThanOrEqual(pushedAt - 1_000);
      expect(oldestAt).toBeLessThanOrEqual(Date.now());
      expect(row(v, id)?.stuck).toBe(false);
    }
    // Backlogs first.
    expect(
      v.remotes
        .slice(0, waitingAway.length)
        .map((r) => r.remoteId)
        .sort(),
    ).toEqual(waitingAway);

    const first = waitingAway[0] as string;
    const deliveries = await s.handle('getRemoteDeliveries', [{ remoteId: first, limit: 20 }]);
    expect(deliveries).toMatchObject({
      ok: true,
      value: {
        deliveries: [{ pushId: created.push.id, object: { name: 'fleet.test' }, version: 1, state: 'sent' }],
        backlog: { queued: 0, sent: 1 },
      },
    });

    away = await startSimulation({ remotes: 2, first: 3, lab: (lab as LabFixture).opts, stateDir });
    await waitFor(
      'the backlog drained',
      async () => {
        const view = await brokerPath();
        return waitingAway.every(
          (id) => row(view, id)?.config?.size === 0 && row(view, id)?.config?.oldestAt === null,
        )
          ? true
          : undefined;
      },
      60_000,
    );
    await waitFor(
      'the delivery applied',
      async () => {
        const r = await s.handle('getRemoteDeliveries', [{ remoteId: first, limit: 20 }]);
        return r.ok && r.value.deliveries[0]?.state === 'applied' && r.value.backlog.sent === 0
          ? true
          : undefined;
      },
      60_000,
    );
  });
});
