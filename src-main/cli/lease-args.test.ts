import { describe, expect, it } from 'vitest';
import { CliExit, Exit, parseCli } from './args';

const refusal = (argv: string[]) => {
  try {
    parseCli(argv);
  } catch (e) {
    if (e instanceof CliExit) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('smt leases find', () => {
  it('reads the value, guessing its kind or taking --by, in canonical form', () => {
    expect(parseCli(['leases', 'find', '52-54-00-AB-CD-01', '--json']).command).toEqual({
      kind: 'leases-find',
      query: { query: 'lease-find', by: 'mac', value: '52:54:00:ab:cd:01' },
      timeoutMs: 5000,
    });
    expect(parseCli(['leases', 'find', '0152540000', '--by', 'client-id', '--timeout', '2']).command).toEqual(
      {
        kind: 'leases-find',
        query: { query: 'lease-find', by: 'client-id', value: '01:52:54:00:00' },
        timeoutMs: 2000,
      },
    );
  });

  it.each([
    [['leases', 'find', '52:54:00:zz:00:01'], /not a MAC address: "zz" is not a hex byte/],
    [['leases', 'find', 'web-01', '--by', 'serial'], /--by takes ip, mac, client-id or hostname/],
    [['leases', 'find'], /takes `find <ip\|mac\|client-id\|hostname>`/],
    [['leases', 'find', 'a', '--wait'], /--wait belongs to `smt push`/],
    [['remotes', '--by', 'ip'], /--by belongs to `smt leases`/],
  ])(
    '%j is a usage error (exit 2) naming what is wrong, before anything is opened or sent',
    (argv, message) => {
      const r = refusal(argv);
      expect(r.code).toBe(Exit.usage);
      expect(r.message).toMatch(message);
    },
  );
});
