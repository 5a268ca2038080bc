import { describe, expect, it } from 'vitest';
import type { SelectableRemote } from '../../../src-shared/config/selector';
import type { Body } from '../../../src-shared/protocol';
import type { FoundLease, LeaseFindQuery } from '../../../src-shared/protocol/lease-find';
import { searchLeases, type LeaseSearchCore } from './lease-search';

const remote = (
  id: string,
  status: SelectableRemote['status'],
  capabilities: SelectableRemote['capabilities'],
) => ({ id, status, capabilities, tags: [], hostname: id }) as SelectableRemote;
const lease: FoundLease = {
  ipAddress: '192.0.2.10',
  hwAddress: '52:54:00:ab:cd:01',
  clientId: null,
  hostname: 'web-01',
  subnet: '192.0.2.0/24',
  subnetId: 1,
  state: 'default',
  expiresAt: 5_000,
};
const query: LeaseFindQuery = { query: 'lease-find', by: 'hostname', value: 'web-01' };

function fakeCore(answers: Record<string, () => Promise<Body<'reply'>>>) {
  const asked: { remoteId: string; body: Body<'query'> }[] = [];
  const core: LeaseSearchCore = {
    fleet: {
      selectable: () => [
        remote('dhcp-a', 'online', ['dhcp4']),
        remote('dhcp-b', 'online', ['dns', 'dhcp4']),
        remote('dhcp-c', 'online', ['dhcp4']),
        remote('dhcp-d', 'online', ['dhcp4']),
        remote('dhcp-off', 'offline', ['dhcp4']),
        remote('dns-only', 'online', ['dns']),
      ],
    },
    query: (remoteId, body) => {
      asked.push({ remoteId, body });
      const answer = answers[remoteId];
      return answer ? answer() : Promise.reject(new Error(`unexpected ${remoteId}`));
    },
  };
  return { core, asked };
}

describe('searchLeases', () => {
  it('asks the online DHCP remotes only, and lists each answer or why it is missing', async () => {
    const { core, asked } = fakeCore({
      'dhcp-a': async () => ({ ok: true, data: { leases: [lease], truncated: false } }),
      'dhcp-b': async () => ({ ok: true, data: { leases: [], truncated: true } }),
      'dhcp-c': async () => ({
        ok: false,
        error: 'lease-find: Kea cannot search leases: the lease_cmds hook…',
      }),
      'dhcp-d': async () => ({ ok: true, data: { leases: [{ ipAddress: 'nope' }], truncated: false } }),
    });
    const view = await searchLeases(core, query, { timeoutMs: 1000 });
    expect(asked.map((a) => a.remoteId).sort()).toEqual(['dhcp-a', 'dhcp-b', 'dhcp-c', 'dhcp-d']);
    expect(asked.every((a) => a.body === query)).toBe(true);
    expect(view.results).toEqual([{ remoteId: 'dhcp-a', ...lease }]);
    expect(view.offline).toEqual(['dhcp-off']);
    expect(view.truncated).toEqual(['dhcp-b']);
    expect(view.failed.map((f) => f.remoteId)).toEqual(['dhcp-c', 'dhcp-d']);
    expect(view.failed[0]?.error).toMatch(/lease_cmds/);
    expect(view.failed[1]?.error).toMatch(/not a lease list/);
    expect({ by: view.by, value: view.value }).toEqual({ by: 'hostname', value: 'web-01' });
  });

  it('a remote that does not answer in time is a failure, not a wait for the others', async () => {
    const { core } = fakeCore({
      'dhcp-a': () => Promise.reject(new Error('no answer within 1 s')),
      'dhcp-b': async () => ({ ok: true, data: { leases: [lease], truncated: false } }),
      'dhcp-c': async () => ({ ok: true, data: { leases: [], truncated: false } }),
      'dhcp-d': async () => ({ ok: true, data: { leases: [], truncated: false } }),
    });
    const view = await searchLeases(core, query, { timeoutMs: 1000 });
    expect(view.failed).toEqual([{ remoteId: 'dhcp-a', error: 'no answer within 1 s' }]);
    expect(view.results.map((r) => r.remoteId)).toEqual(['dhcp-b']);
  });
});
