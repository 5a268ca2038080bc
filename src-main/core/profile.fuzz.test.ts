import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConsoleProfile } from '../../src-shared/profile';
import { hostileJsonText } from '../../src-shared/protocol/testing/hostile';
import { ProfileError, loadConsoleProfile } from './profile';

/** Generated cases: docs/reliability.md quotes them. */
const RUNS = 1_000;
const dir = mkdtempSync(join(tmpdir(), 'smt-profile-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = {
  name: 'Lab',
  consoleId: 'lab-console',
  brokers: [
    { name: 'primary', host: '127.0.0.1', port: 61614 },
    { name: 'secondary', host: '127.0.0.1', port: 61615 },
  ],
  tls: { caFile: 'pki/ca.crt', certFile: '/abs/console.crt', keyFile: 'pki/console.key' },
  signing: { certFile: 'pki/signer.crt', keyFile: 'pki/signer.key' },
};

describe('the console profile file under generated content', () => {
  it(`loads a valid profile and refuses anything else with a ProfileError naming the file (${RUNS} cases)`, async () => {
    const file = join(dir, 'profile.json');
    await fc.assert(
      fc.asyncProperty(hostileJsonText(good), async (text) => {
        writeFileSync(file, text);
        const loaded = await loadConsoleProfile(file).catch((e: unknown) => e);
        if (loaded instanceof Error) {
          expect(loaded).toBeInstanceOf(ProfileError);
          expect(loaded.message).toMatch(/^console profile .* (is not JSON|is invalid):/s);
        } else {
          expect(ConsoleProfile.safeParse(JSON.parse(text)).success).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
