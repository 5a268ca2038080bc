import { describe, expect, it } from 'vitest';
import { UsageError } from '../src-node/command-line';
import { parseLabArgs, renderStatusJson } from './cli-args';
import type { BrokerStatus } from './lab';

describe('lab CLI arguments', () => {
  it.each([
    [['up'], { cmd: 'up' }],
    [['up', '--heap-mb', '128'], { cmd: 'up', heapMb: 128 }],
    [['up', '--remotes', '1000'], { cmd: 'up', heapMb: 576 }],
    [['down', '--dir', '/tmp/x'], { cmd: 'down', dir: '/tmp/x' }],
    [['status'], { cmd: 'status', json: false }],
    [['status', '--json'], { cmd: 'status', json: true }],
    [['provision', 'r-0001', 'r-0002'], { cmd: 'provision', rids: ['r-0001', 'r-0002'] }],
    [['provision', 'r-0001', '--days', '5'], { cmd: 'provision', rids: ['r-0001'], days: 5 }],
    [['revoke', 'r-0001'], { cmd: 'revoke', rid: 'r-0001' }],
    [
      ['provision-console', 'console-b', '--role', 'viewer'],
      { cmd: 'provision-console', id: 'console-b', role: 'viewer' },
    ],
    [['kill', 'secondary'], { cmd: 'kill', broker: 'secondary' }],
    [['--help'], { cmd: 'help' }],
    [['build-plugin'], { cmd: 'build-plugin' }],
  ])('parses %j', (argv, expected) => {
    expect(parseLabArgs(argv)).toEqual(expected);
  });

  it.each([
    [[], 'missing command'],
    [['start'], 'unknown command "start"'],
    [['provision'], 'provision needs at least one remote id'],
    [['provision', 'r-0001', 'R_2'], '"R_2": a remote id is 1-63 of a-z'],
    [['provision', 'smt.>'], '"smt.>": a remote id'],
    [['provision', 'r-0001', '--days', '0'], '--days must be at least 1'],
    [['provision', 'r-0001', '--days', '2.5'], '--days must be a whole number'],
    [['provision', 'r-0001', '--days', 'soon'], '--days must be a number of days'],
    [['up', '--days', '5'], 'up does not take --days'],
    [['revoke'], 'revoke takes one remote id, got nothing'],
    [['revoke', 'a', 'b'], 'revoke takes one remote id, got a b'],
    [
      ['provision-console', 'console-b'],
      'provision-console needs --role (viewer, operator, approver or admin)',
    ],
    [
      ['provision-console', 'console-b', '--role', 'superuser'],
      'unknown role "superuser": the broker knows viewer, operator, approver, admin',
    ],
    [['provision-console', '--role', 'admin'], 'provision-console takes one console id, got nothing'],
    [['provision-console', 'Console B', '--role', 'admin'], '"Console B": a remote id is'],
    [['kill', 'tertiary'], 'kill takes "primary" or "secondary"'],
    [['up', '--heap-mb', 'lots'], '--heap-mb must be a number of megabytes'],
    [['up', '--heap-mb', '32'], '--heap-mb must be at least 64'],
    [['up', '--json'], 'up does not take --json'],
    [['up', '--remotes', '0'], '--remotes must be at least 1'],
    [['up', '--remotes', '20000'], '--remotes must be at most 10000'],
    [['up', '--remotes', '5', '--heap-mb', '512'], 'up takes --heap-mb or --remotes, not both'],
    [['status', 'extra'], 'status takes no arguments, got extra'],
    [['status', '--verbose'], "Unknown option '--verbose'"],
  ])('refuses %j with a specific message', (argv, message) => {
    expect(() => parseLabArgs(argv)).toThrow(UsageError);
    expect(() => parseLabArgs(argv)).toThrow(message);
  });

  it('prints status --json with exactly name, url, pid and role', () => {
    const brokers: BrokerStatus[] = [
      {
        name: 'primary',
        url: 'stomp+ssl://127.0.0.1:1',
        host: '127.0.0.1',
        port: 1,
        pid: 42,
        role: 'active',
      },
      {
        name: 'secondary',
        url: 'stomp+ssl://127.0.0.1:2',
        host: '127.0.0.1',
        port: 2,
        pid: null,
        role: 'down',
      },
    ];
    const json = renderStatusJson(brokers);
    expect(json).toBe(
      '{"brokers":[{"name":"primary","url":"stomp+ssl://127.0.0.1:1","pid":42,"role":"active"},' +
        '{"name":"secondary","url":"stomp+ssl://127.0.0.1:2","pid":null,"role":"down"}]}',
    );
  });
});
