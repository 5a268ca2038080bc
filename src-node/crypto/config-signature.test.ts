import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeEnvelope, type Body, type Envelope } from '../../src-shared/protocol';
import {
  canonicalJson,
  loadConfigSigner,
  loadTrustedSigners,
  signConfig,
  signedBytes,
  trustedSigner,
  verifyConfig,
  type ConfigSigner,
  type TrustedSigner,
} from './config-signature';
import { selfSignedCert } from '../testing/self-signed';

let dir = '';

let es: ConfigSigner;
let ed: ConfigSigner;
let other: ConfigSigner;
let trusted: TrustedSigner[];
let esCert: TrustedSigner;

const RID = 'r-0001';
const body = (): Body<'config'> => ({
  pushId: '3b7f6c1e-2f7a-4c3e-9a51-0b8f1f0d2a11',
  object: { kind: 'zone', name: 'example.test' },
  version: 7,
  op: 'upsert',
  payload: { format: 'zone-text', text: '$TTL 60\n@ IN SOA ns1 hostmaster 7 3600 600 86400 60\n; é ✓\n' },
});
const signedEnv = (signer: ConfigSigner, rid = RID): Envelope<'config'> => {
  const env = makeEnvelope('config', 'lab-console', body());
  return { ...env, body: signConfig(signer, rid, env.id, env.body) };
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'smt-signature-'));
  const [esFiles, edFiles, otherFiles] = await Promise.all([
    selfSignedCert(dir, 'signer-es'),
    selfSignedCert(dir, 'signer-ed', { key: 'ed25519' }),
    selfSignedCert(dir, 'signer-other'),
  ]);
  [es, ed, other] = await Promise.all([
    loadConfigSigner(esFiles),
    loadConfigSigner(edFiles),
    loadConfigSigner(otherFiles),
  ]);
  trusted = await loadTrustedSigners([esFiles.certFile, edFiles.certFile]);
  esCert = trustedSigner(await readFile(esFiles.certFile), esFiles.certFile);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', { z: true, y: null }], c: undefined }, é: 'é\n' })).toBe(
      '{"a":{"d":[1,"x",{"y":null,"z":true}]},"b":1,"é":"é\\n"}',
    );
  });

  it('has no form for values JSON cannot carry', () => {
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/NaN/);
    expect(() => canonicalJson(() => 1)).toThrow(/function/);
  });

  it('covers v, rid, id and the body without its signature', () => {
    const env = signedEnv(es);
    const text = signedBytes(RID, env.id, env.body).toString('utf8');
    expect(text.startsWith(`{"body":{"object":{"kind":"zone","name":"example.test"},"op":"upsert",`)).toBe(
      true,
    );
    expect(text.endsWith(`,"id":"${env.id}","rid":"${RID}","v":1}`)).toBe(true);
    expect(text).not.toContain('signature');
    expect(signedBytes(RID, env.id, { ...env.body, signature: undefined }).toString('utf8')).toBe(text);
  });
});

describe('signConfig / verifyConfig', () => {
  it('signs ES256 as IEEE P1363 and names the signer by its certificate DER hash', () => {
    const env = signedEnv(es);
    expect(env.body.signature).toMatchObject({ alg: 'ES256', signer: esCert.fingerprint });
    expect(Buffer.from(env.body.signature?.value ?? '', 'base64')).toHaveLength(64);
    expect(verifyConfig(env, RID, trusted)).toEqual({ ok: true, signer: esCert.fingerprint });
  });

  it('verifies Ed25519 too', () => {
    const env = signedEnv(ed);
    expect(env.body.signature?.alg).toBe('Ed25519');
    expect(verifyConfig(env, RID, trusted)).toMatchObject({ ok: true });
  });

  it('refuses an unsigned config', () => {
    const env = makeEnvelope('config', 'lab-console', body());
    expect(verifyConfig(env, RID, trusted)).toEqual({ ok: false, reason: 'config is not signed' });
  });

  it('refuses a signer it does not trust, naming its fingerprint', () => {
    const env = signedEnv(other);
    expect(verifyConfig(env, RID, trusted)).toEqual({
      ok: false,
      reason: `signed by an unknown signer ${other.signer}: add its certificate to trustedSigners`,
    });
  });

  const mismatch = { ok: false, reason: 'signature does not match the payload' };

  it.each<[string, (b: Body<'config'>) => Body<'config'>]>([
    ['pushId', (b) => ({ ...b, pushId: '00000000-0000-4000-8000-000000000000' })],
    ['object', (b) => ({ ...b, object: { kind: 'zone', name: 'evil.test' } })],
    ['version', (b) => ({ ...b, version: b.version + 1 })],
    ['op', (b) => ({ ...b, op: 'delete' })],
    ['payload', (b) => ({ ...b, payload: { format: 'zone-text', text: '$TTL 60\n@ IN A 203.0.113.66\n' } })],
    ['payload removed', (b) => ({ ...b, payload: undefined })],
    ['signature algorithm', (b) => ({ ...b, signature: b.signature && { ...b.signature, alg: 'Ed25519' } })],
  ])('refuses a body whose %s was changed after signing', (_field, tamper) => {
    const env = signedEnv(es);
    const verdict = verifyConfig({ ...env, body: tamper(env.body) }, RID, trusted);
    expect(verdict.ok).toBe(false);
  });

  it('refuses a tampered payload with the mismatch reason', () => {
    const env = signedEnv(es);
    const tampered = { ...env, body: { ...env.body, version: 8 } };
    expect(verifyConfig(tampered, RID, trusted)).toEqual(mismatch);
  });

  it('refuses a message signed for another remote', () => {
    expect(verifyConfig(signedEnv(es, 'r-0002'), RID, trusted)).toEqual(mismatch);
  });

  it('refuses a signed body replayed under another message id', () => {
    const env = signedEnv(es);
    expect(verifyConfig({ ...env, id: crypto.randomUUID() }, RID, trusted)).toEqual(mismatch);
  });

  it('refuses a signature made by another key that claims a trusted signer', () => {
    const env = signedEnv({ ...other, signer: es.signer });
    expect(verifyConfig(env, RID, trusted)).toEqual(mismatch);
  });

  it('refuses a signature value of the wrong shape', () => {
    const env = signedEnv(es);
    const sig = env.body.signature;
    if (!sig) throw new Error('unsigned');
    const short = { ...env, body: { ...env.body, signature: { ...sig, value: 'AAAA' } } };
    expect(verifyConfig(short, RID, trusted)).toEqual(mismatch);
  });

  it('refuses while the signer certificate is expired or not yet valid', () => {
    const env = signedEnv(es);
    const validTo = new Date(esCert.cert.validTo);
    const validFrom = new Date(esCert.cert.validFrom);
    const later = verifyConfig(env, RID, trusted, new Date(validTo.getTime() + 1000));
    expect(later).toEqual({
      ok: false,
      reason: `the signer certificate ${esCert.source} (${es.signer}) expired on ${validTo.toISOString()}`,
    });
    const earlier = verifyConfig(env, RID, trusted, new Date(validFrom.getTime() - 60_000));
    expect(earlier).toMatchObject({ ok: false, reason: expect.stringMatching(/is not valid before/) });
  });
});

describe('loadConfigSigner', () => {
  it('refuses a key that does not match the certificate', async () => {
    await expect(
      loadConfigSigner({ certFile: join(dir, 'signer-es.crt'), keyFile: join(dir, 'signer-other.key') }),
    ).rejects.toThrow(/does not match/);
  });

  it('refuses an expired signing certificate', async () => {
    await expect(
      loadConfigSigner(
        { certFile: join(dir, 'signer-es.crt'), keyFile: join(dir, 'signer-es.key') },
        new Date(Date.now() + 365 * 86_400_000),
      ),
    ).rejects.toThrow(/expired on/);
  });

  it('says which file is missing', async () => {
    await expect(
      loadConfigSigner({ certFile: join(dir, 'nope.crt'), keyFile: join(dir, 'nope.key') }),
    ).rejects.toThrow(/nope\.crt cannot be read/);
  });

  it('refuses a trusted signer file that is not a certificate', async () => {
    await expect(loadTrustedSigners([join(dir, 'signer-es.key')])).rejects.toThrow(/not a PEM certificate/);
  });
});
