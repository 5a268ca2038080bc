import { describe, expect, it } from 'vitest';
import { opensslSubject, parseUsers, renderGroups, renderUsers, subjectDn, withRemotes } from './allowlist';

const allow = { consoles: new Set(['lab-console']), remotes: new Set(['r-0002', 'r-0001']) };

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

  it('renders groups.properties with sorted comma lists, and an empty remotes group', () => {
    const body = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(body(renderGroups(allow))).toEqual(['consoles=lab-console', 'remotes=r-0001,r-0002']);
    expect(body(renderGroups({ consoles: allow.consoles, remotes: new Set() }))).toEqual([
      'consoles=lab-console',
      'remotes=',
    ]);
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
