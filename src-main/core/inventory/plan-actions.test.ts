import { describe, expect, it } from 'vitest';
import { soaSerialOf } from '../../../src-shared/config/zone-serial';
import type { ObjectView, RemoteObjectView } from '../../../src-shared/ipc/inventory-views';
import type { PushRecord } from '../store/push-store';
import { remoteObjectView as remote } from '../testing/remote-object-view';
import { ActionRefused, planReconcile, planRevert, type PushHistory } from './plan-actions';

const object = { kind: 'zone' as const, name: 'example.test' };
const zoneText = (serial: number, a = '192.0.2.1') =>
  `$ORIGIN example.test.\n$TTL 300\n@ 300 IN SOA ns1 hostmaster.example.test. ${serial} 3600 600 86400 300\n@ IN NS ns1\nns1 IN A ${a}\n`;

function push(
  version: number,
  op: 'upsert' | 'delete',
  text?: string,
  o: PushRecord['object'] = object,
): PushRecord {
  return {
    seq: version,
    id: `00000000-0000-4000-8000-00000000000${version}`,
    createdAt: version,
    author: 'alice',
    object: o,
    version,
    op,
    ...(text === undefined
      ? {}
      : o.kind === 'zone'
        ? { payload: { format: 'zone-text' as const, text } }
        : {
            payload: {
              format: 'kea-subnet4' as const,
              scope: { subnet: o.subnet, id: 1, pools: [], options: [], reservations: [] },
            },
          }),
    payloadSha256: '0'.repeat(64),
    selector: { kind: 'ids', ids: ['r-1'] },
    targets: ['r-1'],
    canary: null,
    expiresAt: null,
    state: 'done',
    haltReason: null,
  };
}

function history(...pushes: PushRecord[]): PushHistory {
  return {
    maxVersion: Math.max(0, ...pushes.map((p) => p.version)),
    pushAt: (v) => pushes.find((p) => p.version === v),
  };
}

function view(
  remotes: RemoteObjectView[],
  intendedVersion: number | null = 2,
  o: ObjectView['object'] = object,
): ObjectView {
  const counts = { 'in-sync': 0, drifted: 0, missing: 0, extra: 0, unknown: 0 };
  for (const r of remotes) counts[r.state]++;
  return {
    key: o.kind === 'zone' ? `zone:${o.name}` : `scope:${o.subnet}`,
    object: o,
    intended:
      intendedVersion === null
        ? null
        : { version: intendedVersion, op: 'upsert', sha256: null, pushId: 'p', at: 1 },
    versions: 3,
    counts,
    remotes,
  };
}

const refused = (f: () => unknown, code: ActionRefused['code'], message: RegExp) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ActionRefused);
    expect((e as ActionRefused).code).toBe(code);
    expect((e as ActionRefused).message).toMatch(message);
    return;
  }
  throw new Error('not refused');
};

// Version 2 is intended; version 3 was pushed but reached no remote, so the next version is 4.
const h = history(
  push(1, 'upsert', zoneText(2026120101, '192.0.2.9')),
  push(2, 'upsert', zoneText(2026120201)),
  push(3, 'delete'),
);

describe('planReconcile', () => {
  it('pushes the intended content as the next version to the drifted and missing remotes, its serial above every served one', () => {
    const v = view([
      remote('r-3', 'drifted', 2026129999),
      remote('r-1', 'in-sync', 2026120201),
      remote('r-2', 'missing'),
      remote('r-4', 'unknown'),
    ]);
    const planned = planReconcile(v, h);
    expect(planned.remoteIds).toEqual(['r-2', 'r-3']);
    expect(planned.request).toMatchObject({
      object,
      version: 4,
      op: 'upsert',
      selector: { kind: 'ids', ids: ['r-2', 'r-3'] },
    });
    const text = planned.request.payload?.format === 'zone-text' ? planned.request.payload.text : '';
    expect(soaSerialOf(text)).toBe(2026130000);
    // The intended content, byte for byte, apart from the serial.
    expect(text).toBe(zoneText(2026130000));
    expect(planned.summary).toBe(
      'reconcile zone example.test to version 2 on 2 remotes (as version 4, SOA serial 2026130000)',
    );
  });

  it('raises the serial even when nothing served is higher, so a remote with the same serial takes it', () => {
    const planned = planReconcile(view([remote('r-1', 'drifted', 2026120201)]), h);
    const text = planned.request.payload?.format === 'zone-text' ? planned.request.payload.text : '';
    expect(soaSerialOf(text)).toBe(2026120202);
  });

  it('goes only to the named remotes, each of which must be drifted or missing', () => {
    const v = view([remote('r-1', 'in-sync'), remote('r-2', 'missing'), remote('r-3', 'drifted')]);
    expect(planReconcile(v, h, ['r-3']).remoteIds).toEqual(['r-3']);
    refused(() => planReconcile(v, h, ['r-3', 'r-1']), 'bad-request', /r-1 is in-sync for zone example.test/);
    refused(() => planReconcile(v, h, ['r-9']), 'bad-request', /r-9 is not listed for zone example.test/);
    refused(() => planReconcile(v, h, []), 'bad-request', /at least one remote/);
  });

  it('says so when everything serves the intended version', () => {
    refused(
      () => planReconcile(view([remote('r-1', 'in-sync'), remote('r-2', 'unknown')]), h),
      'bad-request',
      /everything serves the intended version of zone example.test \(version 2\): nothing to reconcile; 1 remote not known yet/,
    );
  });

  it('refuses an object the console never pushed', () => {
    refused(() => planReconcile(view([remote('r-1', 'extra')], null), h), 'bad-request', /adopt/);
  });

  it('pushes a scope unchanged', () => {
    const scope = { kind: 'scope' as const, subnet: '10.0.0.0/24' };
    const sh = history(push(1, 'upsert', '', scope));
    const planned = planReconcile(view([remote('r-1', 'drifted')], 1, scope), sh);
    expect(planned.request).toMatchObject({ version: 2, payload: sh.pushAt(1)?.payload });
    expect(planned.summary).toBe('reconcile scope 10.0.0.0/24 to version 1 on 1 remote (as version 2)');
  });
});

describe('planRevert', () => {
  const v = view([
    remote('r-1', 'in-sync', 2026120201),
    remote('r-2', 'drifted', 2026120500),
    remote('r-9', 'extra', 2026999999),
  ]);

  it('pushes an earlier version content as the next version to every remote it is on, not the extra ones', () => {
    const planned = planRevert(v, h, 1);
    expect(planned.remoteIds).toEqual(['r-1', 'r-2']);
    expect(planned.request).toMatchObject({
      version: 4,
      op: 'upsert',
      selector: { kind: 'ids', ids: ['r-1', 'r-2'] },
    });
    const text = planned.request.payload?.format === 'zone-text' ? planned.request.payload.text : '';
    expect(text).toBe(zoneText(2026120501, '192.0.2.9'));
    expect(planned.summary).toBe(
      'revert zone example.test to the content of version 1 as version 4 on 2 remotes, SOA serial 2026120501',
    );
  });

  it('raises the serial above the intended version even where no serial is served', () => {
    const planned = planRevert(view([remote('r-1', 'unknown')]), h, 1);
    const text = planned.request.payload?.format === 'zone-text' ? planned.request.payload.text : '';
    expect(soaSerialOf(text)).toBe(2026120202);
  });

  it('refuses a version never pushed, and a delete', () => {
    refused(
      () => planRevert(v, h, 9),
      'not-found',
      /has no version 9 in this profile's push history \(versions 1 to 3\)/,
    );
    refused(() => planRevert(v, h, 3), 'bad-request', /version 3 of zone example.test deleted it/);
    refused(() => planRevert(view([remote('r-9', 'extra')]), h, 1), 'bad-request', /on no remote/);
  });
});
