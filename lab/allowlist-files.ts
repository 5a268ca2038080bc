/** The broker's allowlist files (users.properties, groups.properties), read and written for a live broker. */
import { readFile } from 'node:fs/promises';
import { parseRoles, parseUsers, renderGroups, renderUsers, type Allowlist } from './allowlist';
import { markChangedForReload, writeAtomic } from './files';
import type { LabLayout } from './paths';

const readIfThere = async (file: string): Promise<string> => {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
};

export async function readAllowlist(layout: LabLayout): Promise<Allowlist> {
  const [users, groups] = await Promise.all([readIfThere(layout.usersFile), readIfThere(layout.groupsFile)]);
  return { ...parseUsers(users, layout.usersFile), roles: parseRoles(groups) };
}

/**
 * Groups first, users second when adding (a login never finds a user without its group); users first
 * when removing (a revoked name stops authenticating before it loses its group).
 */
export async function writeAllowlist(
  layout: LabLayout,
  allow: Allowlist,
  order: 'add' | 'remove',
): Promise<void> {
  const files: [string, string][] = [
    [layout.groupsFile, renderGroups(allow)],
    [layout.usersFile, renderUsers(allow)],
  ];
  if (order === 'remove') files.reverse();
  for (const [file, text] of files) {
    await writeAtomic(file, text);
    await markChangedForReload(file);
  }
}
