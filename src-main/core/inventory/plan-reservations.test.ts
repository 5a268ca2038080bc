import { describe, expect, it } from 'vitest';
import type { DhcpScope } from '../../../src-shared/config/scope';
import type { ObjectView } from '../../../src-shared/ipc/inventory-views';
import type { PushRecord } from '../store/push-store';
import { remoteObjectView as remote } from '../testing/remote-object-view';
import { ActionRefused, type PushHistory } from './plan-actions';
import { intendedScope, planReservations } from './plan-reservations';

const object = { kind: 'scope' as const, subnet: '192.0.2.0/24' };
const printer = { ipAddress: '192.0.2.10', hwAddress: '52:54:00:12:34:56', hostname: 'printer' };
const phone = { ipAddress: '192.0.2.11', hwAddress: '52:54:00:aa:bb:cc' };
const scope: DhcpScope = {
  subnet: '192.0.2.0/24',
  id: 7,
  pools: [{ start: '192.0.2.100', end: '192.0.2.199' }],
  options: [{ name: 'routers', data: '192.0.2.1' }],
  reservations: [printer],
};

const push = (version: number, op: 'upsert' | 'delete' = 'upsert'): PushRecord => ({
  seq: version,
  id: `00000000-0000-4000-8000-00000000000${version}`,
  createdAt: version,
  author: 'alice',
  object,
  version,
  op,
  ...(op === 'upsert' ? { payload: { format: 'kea-subnet4' as const, scope } } : {}),
  payloadSha256: '0'.repeat(64),
  selector: { kind: 'ids', ids: ['dhcp-1'] },
  targets: ['dhcp-1'],
  canary: null,
  expiresAt: null,
  state: 'done',
  haltReason: null,
});

// Version 2 is intended; version 3 reached no remote, so the next version is 4.
const pushes = [push(1), push(2), push(3)];
const history: PushHistory = { maxVersion: 3, pushAt: (v) => pushes.find((p) => p.version === v) };

const view = (
  intended: ObjectView['intended'] = { version: 2, op: 'upsert', sha256: null, pushId: 'p', at: 1 },
) =>
  ({
    key: 'scope:192.0.2.0/24',
    object,
    intended,
    versions: 3,
    counts: { 'in-sync': 1, drifted: 1, missing: 0, extra: 1, unknown: 0 },
    remotes: [remote('dhcp-2', 'drifted'), remote('dhcp-1', 'in-sync'), remote('dhcp-9', 'extra')],
  }) satisfies ObjectView;

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ActionRefused);
    return (e as ActionRefused).message;
  }
  throw new Error('not refused');
};

describe('intendedScope', () => {
  it('is the intended version’s scope, going to every remote the scope is on', () => {
    expect(intendedScope(view(), history)).toEqual({
      key: 'scope:192.0.2.0/24',
      version: 2,
      scope,
      remoteIds: ['dhcp-1', 'dhcp-2'],
    });
  });

  it('refuses a scope never pushed or deleted', () => {
    expect(refusal(() => intendedScope(view(null), history))).toMatch(/never pushed through this profile/);
    const deleted = view({ version: 3, op: 'delete', sha256: null, pushId: 'p', at: 1 });
    expect(refusal(() => intendedScope(deleted, history))).toMatch(/was deleted \(version 3\)/);
  });
});

describe('planReservations', () => {
  it('plans the intended scope with the new list as the next version, sending nothing', () => {
    const plan = planReservations(view(), history, { baseVersion: 2, reservations: [printer, phone] });
    expect(plan.request).toEqual({
      object,
      version: 4,
      op: 'upsert',
      payload: { format: 'kea-subnet4', scope: { ...scope, reservations: [printer, phone] } },
      selector: { kind: 'ids', ids: ['dhcp-1', 'dhcp-2'] },
    });
    expect(plan.remoteIds).toEqual(['dhcp-1', 'dhcp-2']);
    expect(plan.summary).toBe(
      'reservations of scope 192.0.2.0/24: 1 added, 0 changed, 0 removed (2 in all) as version 4 on 2 remotes',
    );
  });

  it('counts an edit and a delete by host', () => {
    const plan = planReservations(view(), history, {
      baseVersion: 2,
      reservations: [{ ...printer, ipAddress: '192.0.2.20' }],
    });
    expect(plan.summary).toMatch(/0 added, 1 changed, 0 removed \(1 in all\)/);
    expect(planReservations(view(), history, { baseVersion: 2, reservations: [] }).summary).toMatch(
      /0 added, 0 changed, 1 removed \(0 in all\)/,
    );
  });

  it.each([
    [
      'a collision, naming it',
      [printer, { ...phone, ipAddress: printer.ipAddress }],
      /reservation 192\.0\.2\.10 for 52:54:00:aa:bb:cc: 192\.0\.2\.10 is already reserved for 52:54:00:12:34:56/,
    ],
    [
      'an address outside the subnet',
      [printer, { ...phone, ipAddress: '10.0.0.1' }],
      /10\.0\.0\.1 is outside the subnet 192\.0\.2\.0\/24/,
    ],
    [
      'a new reservation in a pool',
      [printer, { ...phone, ipAddress: '192.0.2.150' }],
      /inside the pool 192\.0\.2\.100-192\.0\.2\.199/,
    ],
    ['no change at all', [printer], /as version 2 has them: nothing to push/],
  ])('refuses %s', (_what, reservations, message) => {
    expect(refusal(() => planReservations(view(), history, { baseVersion: 2, reservations }))).toMatch(
      message,
    );
  });

  it('pushes an in-pool reservation once the admin allows it', () => {
    const inPool = { ...phone, ipAddress: '192.0.2.150' };
    const plan = planReservations(view(), history, {
      baseVersion: 2,
      reservations: [inPool],
      allowInPool: true,
    });
    expect(plan.request.payload).toMatchObject({ scope: { reservations: [inPool] } });
  });

  it('refuses an edit begun from a version that is no longer intended', () => {
    expect(refusal(() => planReservations(view(), history, { baseVersion: 1, reservations: [] }))).toMatch(
      /moved to version 2 since this edit began from version 1/,
    );
  });
});
