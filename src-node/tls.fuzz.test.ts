import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostilePem } from './testing/hostile-pem';
import { selfSignedCert, type SelfSignedFiles } from './testing/self-signed';
import { TlsMaterialError, loadTlsMaterial } from './tls';

/** Generated cases: docs/reliability.md quotes them. */
const RUNS = 500;
let dir = '';
let one: SelfSignedFiles;
let pems: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-tls-fuzz-'));
  one = await selfSignedCert(dir, 'one');
  const other = await selfSignedCert(dir, 'other', { key: 'ed25519' });
  pems = await Promise.all(
    [one.certFile, one.keyFile, other.certFile, other.keyFile].map((f) => readFile(f, 'utf8')),
  );
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('TLS material under generated files', () => {
  it(`loads a certificate with its own key, and refuses anything else with a TlsMaterialError (${RUNS} cases)`, async () => {
    const files = {
      caFile: join(dir, 'ca.pem'),
      certFile: join(dir, 'cert.pem'),
      keyFile: join(dir, 'key.pem'),
    };
    const [cert, key] = pems as [string, string];
    const file = fc.oneof(
      { weight: 1, arbitrary: fc.constant(null) },
      { weight: 4, arbitrary: hostilePem(pems) },
    );
    await fc.assert(
      fc.asyncProperty(file, file, file, async (ca, c, k) => {
        // null: the good file in its place, so each damage is seen on its own as well.
        await writeFile(files.caFile, ca ?? cert);
        await writeFile(files.certFile, c ?? cert);
        await writeFile(files.keyFile, k ?? key);
        const loaded = await loadTlsMaterial(files).catch((e: unknown) => e);
        if (loaded instanceof Error) {
          expect(loaded).toBeInstanceOf(TlsMaterialError);
          expect(loaded.message).toContain((loaded as TlsMaterialError).file);
        } else {
          // A certificate and the key made with it, whichever pair the files came to hold.
          expect(['one', 'other']).toContain((loaded as { subjectCn: string }).subjectCn);
        }
      }),
      { numRuns: RUNS },
    );
  }, 60_000);
});
