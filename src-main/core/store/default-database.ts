import { basename, dirname, extname, join } from 'node:path';

/**
 * The console database of a profile: beside the profile file, named after it, so every console on the
 * same profile (desktop app, host, `smt`) shares one outbox and two profiles never share one.
 */
export function defaultDatabaseFile(profileFile: string): string {
  const name = basename(profileFile, extname(profileFile));
  return join(dirname(profileFile), `${name}.db`);
}
