/**
 * Host reservations on real Kea (docs/reservations.md), through the calls the Reservations editor makes:
 * a scope pushed to the lab's two DHCP remotes (real-02, real-03: each a real kea-dhcp4 with its own
 * agent), then a reservation added as the editor does — getIntendedScope, planReservations, the Push
 * screen's previewPush (whose diff shows the reservation line first) and startPush with a canary of one.
 * Kea's own config-get, asked on its control socket outside the agent, then lists the reservation on both.
 * A colliding reservation is refused with its message and nothing reaches the outbox or a Kea; `smt
 * reservation` refuses one too (exit 2) and deletes one the same way, on the same database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keaCommand } from '../../src-agent/targets/kea-control';
import { ConsoleService } from '../../src-main/core/service/console-service';
import { waitFor } from '../../src-node/smt/testing/wait';
import type { DhcpScope } from '../../src-shared/config/scope';
import type { CallArgs, CallName, CallResult } from '../../src-shared/ipc/contract';
import { startRealSessionBed, type RealSessionBed } from '../helpers/real-session-bed';

const scope: DhcpScope = {
  subnet: '198.51.100.0/24',
  id: 31,
  pools: [{ start: '198.51.100.100', end: '198.51.100.199' }],
  options: [{ name: 'routers', data: '198.51.100.1' }],
  reservations: [{ hwAddress: '52:54:00:12:34:56', ipAddress: '198.51.100.10', hostname: 'printer' }],
};
const KEY = `scope:${scope.subnet}`;
const DHCP = ['real-02', 'real-03'];
const phone = { ipAddress: '198.51.100.11', hwAddress: '52:54:00:aa:bb:cc', hostname: 'phone' };

let bed: RealSessionBed | undefined;
let svc: ConsoleService | undefined;

const s = () => (bed as RealSessionBed).session;
const smt = (...args: string[]) => (bed as RealSessionBed).smt(...args);
const remote = (id: string) => (bed as RealSessionBed).remote(id);

/** A call as the renderer makes it: through the service's contract, with its schemas. */
async function call<C extends CallName>(name: C, ...args: CallArgs<C>): Promise<CallResult<C>> {
  const r = await (svc as ConsoleService).handle(name, args);
  if (!r.ok) throw new Error(`${name}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** The reservations a remote's kea-dhcp4 runs for the scope, asked on its own control socket. */
async function keaReservations(id: string): Promise<unknown[] | undefined> {
  const answer = await keaCommand(remote(id).kea?.socketPath ?? '', 'config-get', undefined, 5000);
  const subnets = (answer.arguments as { Dhcp4: { subnet4: Record<string, unknown>[] } }).Dhcp4.subnet4;
  return subnets.find((x) => x.subnet === scope.subnet)?.reservations as unknown[] | undefined;
}

const appliedOnAll = (pushId: string) =>
  waitFor(
    `push ${pushId} applied on ${DHCP.join(', ')}`,
    () => s().push.engine.progress(pushId).summary.counts.applied === DHCP.length,
    60_000,
    100,
  );

beforeAll(async () => {
  bed = await startRealSessionBed('smt-real-reservations-', 3);
  svc = new ConsoleService(s(), { actor: 'reservations test' });
  const { push } = s().push.engine.push({
    object: { kind: 'scope', subnet: scope.subnet },
    payload: { format: 'kea-subnet4', scope },
    selector: { kind: 'ids', ids: DHCP },
    author: 'reservations test',
  });
  await appliedOnAll(push.id);
  // The editor needs the console's view of the scope on both remotes.
  await waitFor(
    'the scope in sync on both',
    () =>
      s()
        .inventory.object(KEY)
        ?.remotes.filter((r) => DHCP.includes(r.remoteId) && r.state === 'in-sync').length === 2,
    60_000,
    100,
  );
}, 240_000);

afterAll(async () => {
  // The service holds only the bed's session, which the bed closes.
  const { alive } = (await bed?.stop()) ?? { alive: [] };
  expect(alive).toEqual([]);
}, 60_000);

describe('host reservations on real Kea', () => {
  it('a colliding reservation is refused with its message, and nothing is sent', async () => {
    const intended = await call('getIntendedScope', { key: KEY });
    const pushesBefore = (await call('listPushes')).length;
    const r = await (svc as ConsoleService).handle('planReservations', [
      {
        key: KEY,
        baseVersion: intended.version,
        reservations: [...intended.scope.reservations, { ...phone, ipAddress: '198.51.100.10' }],
      },
    ]);
    expect(!r.ok && r.error).toEqual({
      code: 'bad-request',
      message:
        'reservation 198.51.100.10 for 52:54:00:aa:bb:cc: 198.51.100.10 is already reserved for 52:54:00:12:34:56',
    });
    expect((await call('listPushes')).length).toBe(pushesBefore);
    for (const id of DHCP) expect(await keaReservations(id)).toHaveLength(1);
  });

  it('a reservation added as the editor adds it is previewed, pushed with a canary, and served by Kea', async () => {
    const intended = await call('getIntendedScope', { key: KEY });
    expect(intended).toMatchObject({ version: 1, remoteIds: DHCP, scope });

    const plan = await call('planReservations', {
      key: KEY,
      baseVersion: intended.version,
      reservations: [...intended.scope.reservations, phone],
    });
    expect(plan.summary).toBe(
      `reservations of scope ${scope.subnet}: 1 added, 0 changed, 0 removed (2 in all) as version 2 on 2 remotes`,
    );

    // The Push screen previews the plan as it is: each Kea serves version 1, the diff adds the line.
    const preview = await call('previewPush', plan.request);
    expect(preview.remotes.map((e) => [e.remote, e.status])).toEqual(DHCP.map((id) => [id, 'changed']));
    expect(preview.diffs).toHaveLength(1);
    const changed = preview.diffs[0]?.hunks.flatMap((h) => h.lines.filter((l) => l.op !== ' '));
    expect(changed).toEqual([{ op: '+', text: 'reservation 198.51.100.11 52:54:00:aa:bb:cc phone' }]);
    for (const id of DHCP) expect(await keaReservations(id)).toHaveLength(1);

    const started = await call('startPush', { ...plan.request, canary: 1 });
    expect(started).toMatchObject({ version: 2, targets: 2, unknown: [] });
    await appliedOnAll(started.pushId);
    for (const id of DHCP) {
      expect(await keaReservations(id)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ 'hw-address': '52:54:00:12:34:56', 'ip-address': '198.51.100.10' }),
          expect.objectContaining({
            'hw-address': phone.hwAddress,
            'ip-address': phone.ipAddress,
            hostname: phone.hostname,
          }),
        ]),
      );
      expect(await keaReservations(id)).toHaveLength(2);
    }
  });

  it('smt reservation refuses a collision (exit 2, nothing sent) and deletes by MAC with --wait', async () => {
    const pushesBefore = (await call('listPushes')).length;
    const clash = await smt(
      'reservation',
      'add',
      scope.subnet,
      '--mac',
      '52:54:00:00:00:09',
      '--ip',
      '198.51.100.150',
    );
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain(
      'reservation 198.51.100.150 for 52:54:00:00:00:09: 198.51.100.150 is inside the pool 198.51.100.100-198.51.100.199',
    );
    expect((await call('listPushes')).length).toBe(pushesBefore);

    const removed = await smt('reservation', 'delete', scope.subnet, '--mac', phone.hwAddress, '--wait');
    expect(removed.stderr).toContain(`reservations of scope ${scope.subnet}: 0 added, 0 changed, 1 removed`);
    expect(removed.code).toBe(0);
    for (const id of DHCP) {
      expect(await keaReservations(id)).toEqual([
        expect.objectContaining({ 'hw-address': '52:54:00:12:34:56', 'ip-address': '198.51.100.10' }),
      ]);
    }
  }, 120_000);
});
