import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../../src-node/log';
import type { Body } from '../../../src-shared/protocol';
import { CallError } from './handlers';
import { leaseHandlers } from './lease-handlers';
import type { ProfileSession } from './profile-session';

function session(link: string) {
  const asked: Body<'query'>[] = [];
  // Only what the handler reads of a session: the link state, the fleet and the query.
  const s = {
    core: {
      connectionStatus: () => ({ state: { kind: link } }),
      fleet: {
        selectable: () => [
          { id: 'r-0001', status: 'online', capabilities: ['dhcp4'], tags: [], hostname: 'h' },
        ],
      },
      query: async (_rid: string, body: Body<'query'>) => {
        asked.push(body);
        return { ok: true, data: { leases: [], truncated: false } };
      },
    },
  } as unknown as ProfileSession;
  const logged: LogEntry[] = [];
  const handlers = leaseHandlers(() => s, { queryTimeoutMs: 1000, log: (e) => logged.push(e) });
  return { handlers, asked, logged };
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('accepted');
    },
    (e: unknown) => (e instanceof CallError ? { code: e.code, message: e.message } : e),
  );

describe('searchLeases', () => {
  it('a malformed MAC is a bad request naming what is wrong, logged, and nothing is sent', async () => {
    const { handlers, asked, logged } = session('connected');
    expect(await refusal(Promise.resolve(handlers.searchLeases({ value: '52:54:00:zz:00:01' })))).toEqual({
      code: 'bad-request',
      message: expect.stringMatching(/not a MAC address: "zz" is not a hex byte/),
    });
    expect(asked).toEqual([]);
    expect(logged).toEqual([
      expect.objectContaining({ level: 'warn', error: expect.stringMatching(/"zz"/) }),
    ]);
  });

  it('with no broker connected it says so rather than finding nothing', async () => {
    const { handlers, asked } = session('reconnecting');
    expect(await refusal(Promise.resolve(handlers.searchLeases({ value: 'web-01' })))).toEqual({
      code: 'unavailable',
      message: expect.stringMatching(/No broker is connected \(reconnecting\)/),
    });
    expect(asked).toEqual([]);
  });

  it('sends the value in canonical form to the online DHCP remotes', async () => {
    const { handlers, asked } = session('connected');
    const view = await handlers.searchLeases({ value: '52-54-00-AB-CD-01', by: 'mac' });
    expect(asked).toEqual([{ query: 'lease-find', by: 'mac', value: '52:54:00:ab:cd:01' }]);
    expect(view).toMatchObject({ by: 'mac', value: '52:54:00:ab:cd:01', asked: ['r-0001'], results: [] });
  });
});
