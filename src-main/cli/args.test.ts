import { describe, expect, it } from 'vitest';
import { CliExit, Exit, parseCli } from './args';

const usageError = (argv: string[]) => {
  try {
    parseCli(argv);
  } catch (e) {
    if (e instanceof CliExit) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

describe('parseCli', () => {
  it('reads the global options anywhere on the line', () => {
    expect(parseCli(['remotes', '--json', '--profile', 'p.json', '--db', 'c.db'])).toEqual({
      globals: { profile: 'p.json', db: 'c.db', json: true },
      command: { kind: 'remotes' },
    });
  });

  it('reads a push with its selector, canary, wait and timeout', () => {
    expect(
      parseCli([
        'push',
        'zone',
        'z.zone',
        '--to',
        'cap:dns+online',
        '--canary',
        '2',
        '--wait',
        '--timeout',
        '30',
      ]),
    ).toEqual({
      globals: { json: false },
      command: {
        kind: 'push',
        what: 'zone',
        file: 'z.zone',
        to: { kind: 'filter', status: 'online', capabilities: ['dns'] },
        canary: 2,
        wait: true,
        timeoutMs: 30_000,
      },
    });
  });

  it('defaults the wait timeout to 300 s', () => {
    const inv = parseCli(['push', 'scope', 's.json', '--to', 'r-0001']);
    expect(inv.command).toMatchObject({ kind: 'push', what: 'scope', wait: false, timeoutMs: 300_000 });
  });

  it('reads --expires as a duration from the push', () => {
    for (const [d, ms] of [
      ['90s', 90_000],
      ['30m', 1_800_000],
      ['2h', 7_200_000],
      ['1d', 86_400_000],
    ] as const) {
      expect(parseCli(['push', 'zone', 'z', '--to', 'all', '--expires', d]).command).toMatchObject({
        expiresMs: ms,
      });
    }
  });

  it('takes one push id for deliveries, cancel and retry', () => {
    const id = '3f1c2b9e-8a4d-4c1e-9f7a-2b6d5e4c3a21';
    for (const kind of ['deliveries', 'cancel', 'retry'] as const) {
      expect(parseCli([kind, id]).command).toEqual({ kind, pushId: id });
    }
  });

  it.each([
    [[], /no command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['remotes', 'extra'], /takes no arguments/],
    [['deliveries'], /takes one push id/],
    [['cancel', 'not-a-uuid'], /UUID/],
    [['push', 'zone', 'z'], /needs --to/],
    [['push', 'zone'], /zone <file>/],
    [['push', 'table', 'z', '--to', 'all'], /zone <file>/],
    [['push', 'zone', 'z', '--to', 'tag:'], /--to: "tag:"/],
    [['push', 'zone', 'z', '--to', 'all', '--canary', '0'], /--canary is at least 1/],
    [['push', 'zone', 'z', '--to', 'all', '--canary', 'x'], /--canary takes a number/],
    [['push', 'zone', 'z', '--to', 'all', '--timeout', '0'], /--timeout is above 0/],
    [['push', 'zone', 'z', '--to', 'all', '--expires', '90'], /--expires takes a duration/],
    [['push', 'zone', 'z', '--to', 'all', '--expires', '0s'], /--expires takes a duration/],
    [['push', 'zone', 'z', '--to', 'all', '--expires', '1.5h'], /--expires takes a duration/],
    [['push', 'zone', 'z', '--to', 'all', '--expires', '31d'], /--expires is at most 30d/],
    [
      ['cancel', '3f1c2b9e-8a4d-4c1e-9f7a-2b6d5e4c3a21', '--expires', '1h'],
      /--expires belongs to `smt push`/,
    ],
    [['push', 'scope', 's', '--to', 'all', '--zone', 'a.test'], /--zone belongs to `smt push zone`/],
    [['remotes', '--wait'], /--wait belongs to `smt push`/],
    [['reconcile'], /takes one zone name or CIDR/],
    [['reconcile', 'a.test', 'b.test'], /takes one zone name or CIDR/],
    [['reconcile', '10.0.0.0/33'], /neither a zone name nor a CIDR/],
    [['reconcile', 'zone:Bad Name'], /an object key such as zone:example.test/],
    [['reconcile', 'a.test', '--canary', '1'], /--canary belongs to `smt push`/],
    [['reconcile', 'a.test', '--to-version', '1'], /--to-version belongs to `smt revert`/],
    [['reconcile', 'a.test', '--to', 'tag:'], /--to: "tag:"/],
    [['reconcile', 'a.test', '--preview', '--wait'], /--preview pushes nothing: drop --wait/],
    [['revert', 'a.test'], /needs --to-version/],
    [['revert', 'a.test', '--to-version', '0'], /--to-version is at least 1/],
    [['revert', 'a.test', '--to-version', 'x'], /--to-version takes a version number/],
    [['revert', 'a.test', '--to-version', '1', '--to', 'all'], /--to belongs to `smt push`/],
    [['push', 'zone', 'z', '--to', 'all', '--to-version', '2'], /--to-version belongs to `smt revert`/],
    [['remotes', '--bogus'], /bogus/],
  ])('refuses %j with exit 2 and says why', (argv, why) => {
    const e = usageError(argv);
    expect(e.code).toBe(Exit.usage);
    expect(e.message).toMatch(why);
  });

  it('reads a preview, whose --timeout is per remote and 5 s by default, and refuses it with --wait or --canary', () => {
    expect(parseCli(['push', 'scope', 's.json', '--to', 'all', '--preview']).command).toMatchObject({
      kind: 'push',
      preview: true,
      timeoutMs: 5_000,
    });
    expect(
      parseCli(['push', 'zone', 'z', '--to', 'all', '--preview', '--timeout', '2']).command,
    ).toMatchObject({
      timeoutMs: 2_000,
    });
    expect(parseCli(['push', 'zone', 'z', '--to', 'all']).command).not.toHaveProperty('preview');
    expect(usageError(['push', 'zone', 'z', '--to', 'all', '--preview', '--wait'])).toEqual({
      code: Exit.usage,
      message: '--preview pushes nothing: drop --wait',
    });
    expect(usageError(['push', 'zone', 'z', '--to', 'all', '--preview', '--canary', '1']).message).toBe(
      '--preview pushes nothing: drop --canary',
    );
    expect(usageError(['remotes', '--preview']).message).toBe('--preview belongs to `smt push`');
  });

  it('reads reconcile and revert of a zone name, a CIDR or an object key', () => {
    expect(parseCli(['reconcile', 'Example.TEST.', '--to', 'r-1,r-2', '--wait']).command).toEqual({
      kind: 'reconcile',
      key: 'zone:example.test',
      to: { kind: 'ids', ids: ['r-1', 'r-2'] },
      wait: true,
      timeoutMs: 300_000,
    });
    expect(parseCli(['reconcile', '10.0.0.0/24', '--preview']).command).toEqual({
      kind: 'reconcile',
      key: 'scope:10.0.0.0/24',
      wait: false,
      timeoutMs: 5_000,
      preview: true,
    });
    expect(parseCli(['revert', 'zone:example.test', '--to-version', '3', '--json']).command).toEqual({
      kind: 'revert',
      key: 'zone:example.test',
      toVersion: 3,
      wait: false,
      timeoutMs: 300_000,
    });
    expect(parseCli(['revert', 'scope:10.0.0.0/24', '--to-version', '2']).command).toMatchObject({
      key: 'scope:10.0.0.0/24',
    });
  });

  it('reads reservation add, edit and delete of a scope by MAC', () => {
    const mac = ['--mac', '52:54:00:12:34:56'];
    expect(
      parseCli(['reservation', 'add', '10.0.0.0/24', ...mac, '--ip', '10.0.0.5', '--hostname', 'p', '--wait'])
        .command,
    ).toEqual({
      kind: 'reservation',
      key: 'scope:10.0.0.0/24',
      op: 'add',
      mac: '52:54:00:12:34:56',
      ip: '10.0.0.5',
      hostname: 'p',
      allowInPool: false,
      wait: true,
      timeoutMs: 300_000,
    });
    expect(
      parseCli(['reservation', 'edit', '10.0.0.0/24', ...mac, '--ip', '10.0.0.150', '--in-pool', '--preview'])
        .command,
    ).toMatchObject({ op: 'edit', ip: '10.0.0.150', allowInPool: true, preview: true, timeoutMs: 5_000 });
    expect(
      parseCli(['reservation', 'delete', 'scope:10.0.0.0/24', ...mac, '--canary', '1']).command,
    ).toMatchObject({ op: 'delete', canary: 1 });
  });

  it.each([
    [['reservation', 'add', '10.0.0.0/24', '--ip', '10.0.0.5'], /needs --mac/],
    [['reservation', 'add', '10.0.0.0/24', '--mac', 'm'], /`smt reservation add` needs --ip/],
    [['reservation', 'edit', '10.0.0.0/24', '--mac', 'm'], /needs --ip or --hostname/],
    [['reservation', 'delete', '10.0.0.0/24', '--mac', 'm', '--ip', '10.0.0.5'], /takes only --mac/],
    [['reservation', 'move', '10.0.0.0/24'], /takes `add\|edit\|delete <cidr>`/],
    [['reservation', 'delete', 'example.test', '--mac', 'm'], /not a CIDR/],
    [['reservation', 'delete', '10.0.0.0/24', '--mac', 'm', '--preview', '--wait'], /drop --wait/],
    [['remotes', '--mac', 'm'], /--mac belongs to `smt reservation`/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCli(argv)).toThrow(message);
  });
});
