import { z } from 'zod';

/**
 * What a console's certificate may do (docs/roles.md). The broker is the authority: its identity plugin
 * reads each console's role from groups.properties and refuses what the role may not send, whatever the
 * console shows. The console hides what its role cannot do only so that an admin is not offered it.
 */
export const consoleRoles = ['viewer', 'operator', 'approver', 'admin'] as const;

export const ConsoleRole = z.enum(consoleRoles, {
  error: (i) =>
    `unknown role ${JSON.stringify(i.input)}: the broker knows ${consoleRoles.join(', ')} (docs/roles.md)`,
});
export type ConsoleRole = z.infer<typeof ConsoleRole>;

/** The groups.properties group of each role; the plugin (ConsoleRoles.java) reads the same names. */
export const roleGroup: Record<ConsoleRole, string> = {
  viewer: 'viewers',
  operator: 'operators',
  approver: 'approvers',
  admin: 'admins',
};

/** Pushes, commands and broadcasts change remotes: every role but the viewer's (queries are reading). */
export const changesRemotes = (role: ConsoleRole): boolean => role !== 'viewer';

/** Of two roles the lesser: a name in two role groups gets this one, as the broker gives it. */
export const lesserRole = (a: ConsoleRole, b: ConsoleRole): ConsoleRole =>
  consoleRoles.indexOf(a) <= consoleRoles.indexOf(b) ? a : b;
