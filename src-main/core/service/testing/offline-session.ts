import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleCore } from '../../console-core';
import { assembleSession, type ProfileSession } from '../profile-session';

/**
 * A profile session on a temp database behind a core that is never started: what the service's handlers do
 * with calls needs no broker (sends stay queued). The caller removes `dir` when done.
 */
export function offlineSession(prefix: string): { session: ProfileSession; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), `smt-${prefix}-`));
  const core = new ConsoleCore({
    profile: {
      name: 'x',
      consoleId: 'c1',
      brokers: [{ name: 'primary', host: '127.0.0.1', port: 1 }],
      tls: { caFile: 'a', certFile: 'b', keyFile: 'c' },
    },
  });
  return {
    session: assembleSession(core, { profileFile: join(dir, 'x.json'), dbFile: join(dir, 'x.db') }),
    dir,
  };
}
