/**
 * Generated certificate bundles into the Import form's check: PEM files damaged in every way a file can
 * be, in every field, and PKCS#12 bundles that are damaged, foreign or under the wrong passphrase. A
 * bundle is accepted only as a sound whole, and everything else is refused with a BundleError that
 * names the problem and the field.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProfileImportForm } from '../../../src-shared/ipc/profile-views';
import { hostilePem } from '../../../src-node/testing/hostile-pem';
import { issuedCert, pkcs12Of } from '../../../src-node/testing/issued-cert';
import { selfSignedCert } from '../../../src-node/testing/self-signed';
import { BundleError, checkBundle, type BundleProblem } from './bundle';

/** Generated cases: docs/reliability.md quotes them. */
const PEM_RUNS = 500;
const PKCS12_RUNS = 20;
const problems: BundleProblem[] = [
  'unreadable',
  'wrong-passphrase',
  'no-ca',
  'not-a-certificate',
  'not-a-key',
  'key-mismatch',
  'expired',
  'not-yet-valid',
  'wrong-ca',
  'not-for-clients',
  'bad-console-id',
];

let dir = '';
let good: { ca: string; cert: string; key: string; signerCert: string; signerKey: string };
let pems: string[];
let p12: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-bundle-fuzz-'));
  const ca = await selfSignedCert(dir, 'ca', { subject: '/O=IPAM A/CN=IPAM A CA' });
  const [client, signer, other] = await Promise.all([
    issuedCert(dir, ca, 'console-a'),
    selfSignedCert(dir, 'signer'),
    selfSignedCert(dir, 'other', { key: 'ed25519' }),
  ]);
  const read = (f: string) => readFile(f, 'utf8');
  good = {
    ca: await read(ca.certFile),
    cert: await read(client.certFile),
    key: await read(client.keyFile),
    signerCert: await read(signer.certFile),
    signerKey: await read(signer.keyFile),
  };
  pems = [...Object.values(good), await read(other.certFile), await read(other.keyFile)];
  p12 = await pkcs12Of(client, ca, 'bundle pass');
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const brokers = [{ name: 'primary' as const, host: '127.0.0.1', port: 61614 }];

/** Checks a form: the bundle, or the BundleError it was refused with. */
async function verdict(form: ProfileImportForm): Promise<{ consoleId: string } | BundleError> {
  const checked = await checkBundle(form).catch((e: unknown) => e);
  if (checked instanceof Error) {
    expect(checked).toBeInstanceOf(BundleError);
    const e = checked as BundleError;
    expect(problems).toContain(e.problem);
    expect(['ca', 'client', 'signing']).toContain(e.part);
    expect(e.message.length).toBeGreaterThan(20);
    return e;
  }
  return checked as { consoleId: string };
}

describe('certificate bundles under generated input', () => {
  it(`accepts a PEM bundle only when it is sound, else names the problem (${PEM_RUNS} cases)`, async () => {
    const field = (goodText: string) =>
      fc.oneof({ weight: 2, arbitrary: fc.constant(goodText) }, { weight: 1, arbitrary: hostilePem(pems) });
    const form = fc.record({
      ca: fc.option(field(good.ca), { freq: 8 }),
      cert: field(good.cert),
      key: field(good.key),
      signing: fc.option(fc.record({ cert: field(good.signerCert), key: field(good.signerKey) }), {
        freq: 2,
      }),
    });
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(form, async (f) => {
        const v = await verdict({
          name: 'IPAM A',
          brokers,
          ...(f.ca === null ? {} : { ca: f.ca }),
          client: { format: 'pem', cert: f.cert, key: f.key },
          ...(f.signing === null ? {} : { signing: f.signing }),
        });
        seen.add(v instanceof BundleError ? v.problem : 'accepted');
        // Accepted only with the client certificate and key this CA issued.
        if (!(v instanceof BundleError)) expect(v.consoleId).toBe('console-a');
      }),
      { numRuns: PEM_RUNS },
    );
    expect([...seen]).toEqual(
      expect.arrayContaining([
        'accepted',
        'no-ca',
        'not-a-certificate',
        'not-a-key',
        'key-mismatch',
        'wrong-ca',
      ]),
    );
  }, 60_000);

  it(`opens a PKCS#12 bundle only with its passphrase and unharmed, else names why (${PKCS12_RUNS} cases)`, async () => {
    const bundle = fc.oneof(
      fc.constant(p12),
      fc.tuple(fc.nat({ max: p12.length - 1 }), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
        const copy = Buffer.from(p12);
        copy[at] = byte;
        return copy;
      }),
      fc.nat({ max: p12.length - 1 }).map((n) => p12.subarray(0, n)),
      fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
    );
    const passphrase = fc.oneof(fc.constant('bundle pass'), fc.string({ maxLength: 20 }));
    await fc.assert(
      fc.asyncProperty(bundle, passphrase, async (data, pass) => {
        const v = await verdict({
          name: 'IPAM A',
          brokers,
          client: { format: 'pkcs12', data: data.toString('base64'), passphrase: pass },
        });
        if (!(v instanceof BundleError)) expect(v.consoleId).toBe('console-a');
        else expect(v.part === 'client' || v.part === 'ca').toBe(true);
      }),
      { numRuns: PKCS12_RUNS },
    );
  }, 120_000);
});
