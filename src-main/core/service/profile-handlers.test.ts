import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProfileSummary } from '../../../src-shared/ipc/profile-views';
import { ConsoleCore } from '../console-core';
import { ProfileRegistry, type ProfileEntry } from '../profiles/registry';
import { ConsoleService } from './console-service';
import { assembleSession, type ProfileSession } from './profile-session';

const dirs: string[] = [];
const services: ConsoleService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A session on an unstarted core: switching needs no broker to be tested. */
function session(dir: string, name: string): ProfileSession {
  const core = new ConsoleCore({
    profile: {
      name,
      consoleId: 'c1',
      brokers: [{ name: 'primary', host: '127.0.0.1', port: 1 }],
      tls: { caFile: 'a', certFile: 'b', keyFile: 'c' },
    },
  });
  return assembleSession(core, {
    profileFile: join(dir, `${name}.json`),
    dbFile: join(dir, `${name}.db`),
    name,
  });
}

function setup(open: (e: ProfileEntry) => Promise<ProfileSession>) {
  const dir = mkdtempSync(join(tmpdir(), 'smt-switch-'));
  dirs.push(dir);
  const first = session(dir, 'A');
  const registry = new ProfileRegistry(join(dir, 'none'), [
    { name: 'A', file: first.profileFile },
    { name: 'B', file: join(dir, 'B.json') },
  ]);
  const svc = new ConsoleService(first, {
    actor: 'alice',
    profiles: { registry, open, startPassphrase: 'x' },
  });
  services.push(svc);
  const changed: ProfileSummary[] = [];
  svc.subscribe('profileChanged', (p) => void changed.push(p));
  return { dir, first, svc, changed, registry };
}

describe('profile handlers', () => {
  it('without a profiles directory list the console’s own profile and refuse the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smt-switch-'));
    dirs.push(dir);
    const svc = new ConsoleService(session(dir, 'A'));
    services.push(svc);
    expect(await svc.handle('listProfiles', [])).toMatchObject({
      ok: true,
      value: [{ name: 'A', active: true, problem: expect.stringContaining('does not exist') }],
    });
    expect(await svc.handle('switchProfile', [{ name: 'B' }])).toEqual({
      ok: false,
      error: {
        code: 'unavailable',
        message: 'This console was started without a profiles directory: restart it with --profiles-dir.',
      },
    });
  });

  it('keeps the current session when the other cannot be opened', async () => {
    const { svc, first, changed } = setup(async () => {
      throw new Error('wrong passphrase or damaged key file /p/B/client.key.sealed');
    });
    expect(await svc.handle('switchProfile', [{ name: 'B' }])).toEqual({
      ok: false,
      error: {
        code: 'unavailable',
        message:
          'Profile "B" could not be opened: wrong passphrase or damaged key file /p/B/client.key.sealed. Still using "A".',
      },
    });
    expect(svc.session).toBe(first);
    expect(changed).toEqual([]);
    expect(await svc.handle('switchProfile', [{ name: 'C' }])).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'No profile named "C": import it first.' },
    });
    expect(await svc.handle('switchProfile', [{ name: 'A' }])).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: '"A" is the profile in use already.' },
    });
  });

  it('swaps sessions, closes the old one, audits both and says so once; a second switch meanwhile is refused', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let next: ProfileSession | undefined;
    const { svc, first, changed, dir, registry } = setup(async () => {
      await gate;
      next = session(dir, 'B');
      return next;
    });
    // The first call's lookup finishes last, as two directory reads may: the first call still wins.
    const find = registry.find.bind(registry);
    let finds = 0;
    registry.find = async (name) => {
      if (finds++ === 0) await gate;
      return find(name);
    };
    let firstClosed = false;
    const close = first.close;
    first.close = async () => {
      firstClosed = true;
      await close();
    };
    const switching = svc.handle('switchProfile', [{ name: 'B' }]);
    expect(await svc.handle('switchProfile', [{ name: 'B' }])).toMatchObject({
      ok: false,
      error: {
        code: 'unavailable',
        message: 'Another profile switch is under way: try again once it is done.',
      },
    });
    release();
    expect(await switching).toMatchObject({ ok: true, value: { name: 'B', active: true } });
    expect(svc.session).toBe(next);
    expect(firstClosed).toBe(true);
    expect(changed.map((p) => p.name)).toEqual(['B']);
    const entry = { actor: 'alice', action: 'profile-switch', subject: 'B', detail: { from: 'A', to: 'B' } };
    expect(next?.push.store.auditTrail()).toMatchObject([entry]);
  });
});
