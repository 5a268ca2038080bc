import { describe, expect, it } from 'vitest';
import {
  opensslSubject,
  parseRoles,
  parseUsers,
  renderGroups,
  renderUsers,
  subjectDn,
  withRemotes,
  type Allowlist,
} from './allowlist';

const allow: Allowlist = {
  consoles: new Set(['lab-console']),
  remotes: new Set(['r-0002', 'r-0001']),
  roles: new Map([['lab-console', 'admin']]),
};

describe('allowlist files', () => {
  it('renders users.properties as name=DN in the exact form Java prints a subject', () => {
    const lines = renderUsers(allow)
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(lines).toEqual([
      'lab-console=CN=lab-console, OU=consoles, O=SMT Lab',
      'r-0001=CN=r-0001, OU=remotes, O=SMT Lab',
      'r-0002=CN=r-0002, OU=remotes, O=SMT Lab',
    ]);
  });

  it('renders groups.properties with sorted comma lists, an empty remotes group and every role group', () => {
    const body = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(body(renderGroups(allow))).toEqual([
      'consoles=lab-console',
      'remotes=r-0001,r-0002',
      'viewers=',
      'operators=',
      'approvers=',
      'admins=lab-console',
    ]);
    expect(body(renderGroups({ ...allow, remotes: new Set() }))).toContain('remotes=');
  });

  it("reads each console's role back, the lesser of two, ignoring other groups", () => {
    const roles: Allowlist['roles'] = new Map([
      ['lab-console', 'admin'],
      ['console-b', 'viewer'],
      ['console-c', 'approver'],
    ]);
    const text = renderGroups({
      ...allow,
      consoles: new Set(['lab-console', 'console-b', 'console-c']),
      roles,
    });
    expect(parseRoles(text)).toEqual(roles);
    expect(parseRoles('# x\nadmins=a, b\nviewers=b\nremotes=r-0001\nnonsense\n')).toEqual(
      new Map([
        ['a', 'admin'],
        ['b', 'viewer'],
      ]),
    );
  });

  it('reads back what it renders', () => {
    const parsed = parseUsers(renderUsers(allow));
    expect([...parsed.consoles]).toEqual(['lab-console']);
    expect([...parsed.remotes].sort()).toEqual(['r-0001', 'r-0002']);
  });

  it.each([
    [
      'a DN that does not match the name',
      'r-0001=CN=r-0002, OU=remotes, O=SMT Lab',
      /users.properties:2: DN of r-0001/,
    ],
    ['a DN in the wrong order', 'r-0001=O=SMT Lab, OU=remotes, CN=r-0001', /DN of r-0001 must be/],
    [
      'a name that is not a remote id',
      'R 1=CN=R 1, OU=remotes, O=SMT Lab',
      /users.properties:2: a remote id is/,
    ],
    ['a line without =', 'r-0001', /users.properties:2:/],
  ])('refuses %s, naming the line', (_what, line, error) => {
    expect(() => parseUsers(`# header\n${line}\n`)).toThrow(error);
  });

  it('adds and removes remotes without touching consoles', () => {
    const next = withRemotes(allow, ['r-0003', 'r-0001'], ['r-0002']);
    expect([...next.remotes].sort()).toEqual(['r-0001', 'r-0003']);
    expect(next.consoles).toBe(allow.consoles);
    expect([...allow.remotes].sort()).toEqual(['r-0001', 'r-0002']);
  });

  it('gives openssl the subject whose Java rendering is the DN', () => {
    expect(opensslSubject('r-0001', 'remotes')).toBe('/O=SMT Lab/OU=remotes/CN=r-0001');
    expect(subjectDn('r-0001', 'remotes')).toBe('CN=r-0001, OU=remotes, O=SMT Lab');
  });
});
