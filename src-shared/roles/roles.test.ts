import { describe, expect, it } from 'vitest';
import { ConsoleRole, changesRemotes, lesserRole } from './roles';

describe('console roles', () => {
  it('refuses a role the broker does not know, naming the ones it does', () => {
    const r = ConsoleRole.safeParse('superuser');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(
      'unknown role "superuser": the broker knows viewer, operator, approver, admin (docs/roles.md)',
    );
    expect(ConsoleRole.parse('approver')).toBe('approver');
  });

  it.each([
    ['viewer', false],
    ['operator', true],
    ['approver', true],
    ['admin', true],
  ] as const)('a %s changes remotes: %s', (role, changes) => {
    expect(changesRemotes(role)).toBe(changes);
  });

  it('takes the lesser of two roles, whichever comes first', () => {
    expect(lesserRole('admin', 'viewer')).toBe('viewer');
    expect(lesserRole('viewer', 'admin')).toBe('viewer');
    expect(lesserRole('operator', 'approver')).toBe('operator');
  });
});
