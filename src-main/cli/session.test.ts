import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultDatabaseFile } from '../core/store/default-database';
import { CliExit, Exit } from './args';
import { resolveProfile } from './session';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-cli-session-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveProfile', () => {
  it('takes --profile relative to the working directory', () => {
    expect(resolveProfile({ profile: 'p/console.json', json: false }, dir)).toEqual({
      profile: join(dir, 'p', 'console.json'),
    });
  });

  it('says to pass --profile when there is no .lab/ here', () => {
    let error: unknown;
    try {
      resolveProfile({ json: false }, dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliExit);
    expect((error as CliExit).code).toBe(Exit.usage);
    expect((error as CliExit).message).toMatch(/pass --profile <console-profile.json>/);
  });

  it("defaults to the lab's console profile and passphrase file when .lab/ exists", async () => {
    await mkdir(join(dir, '.lab'));
    expect(resolveProfile({ json: false }, dir)).toEqual({
      profile: join(dir, '.lab', 'console-profile.json'),
      labPassphraseFile: join(dir, '.lab', 'console-passphrase'),
    });
  });
});

describe('defaultDatabaseFile', () => {
  it('is beside the profile, named after it', () => {
    expect(defaultDatabaseFile('/etc/smt/prod.json')).toBe('/etc/smt/prod.db');
    expect(defaultDatabaseFile('/a/.lab/console-profile.json')).toBe('/a/.lab/console-profile.db');
  });
});
