import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { openPrivateKey, plainKeys, type KeyPolicy } from './key-policy';
import { passphraseSealer } from './passphrase-sealer';
import { SealedKeyError, sealPrivateKey, unsealPrivateKey, type SealLabel } from './sealed-key';
import type { KeySealer } from './sealer';

const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const label: SealLabel = { purpose: 'tls', profile: 'SMT Lab' };
const FILE = '/profiles/lab/console.key.sealed';
const good = passphraseSealer('correct horse battery staple');

async function refusal(p: Promise<unknown>): Promise<SealedKeyError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SealedKeyError);
  return e as SealedKeyError;
}

/** The sealed JSON with one field changed, as an attacker with write access to the file could. */
function edit(text: string, change: (json: Record<string, unknown>) => void): string {
  const json = JSON.parse(text) as Record<string, unknown>;
  change(json);
  return JSON.stringify(json);
}

const flipBase64 = (value: unknown): string => {
  const bytes = Buffer.from(String(value), 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return bytes.toString('base64');
};

describe('sealed key files', () => {
  it('round-trips a PEM key and never holds it in clear', async () => {
    const text = await sealPrivateKey(pem, label, good);
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain(pem.split('\n')[1]);
    const json = JSON.parse(text) as Record<string, unknown>;
    expect(json).toMatchObject({ format: 'smt-sealed-key', v: 1, purpose: 'tls', profile: 'SMT Lab' });
    expect(json.kek).toMatchObject({ kind: 'scrypt', N: 2 ** 15, r: 8, p: 1 });
    expect(await unsealPrivateKey(text, FILE, label, [good])).toBe(pem);
  });

  it('uses a fresh salt and nonce every time', async () => {
    const [a, b] = await Promise.all([sealPrivateKey(pem, label, good), sealPrivateKey(pem, label, good)]);
    const [ja, jb] = [a, b].map((t) => JSON.parse(t) as { kek: { salt: string }; nonce: string });
    expect(ja?.kek.salt).not.toBe(jb?.kek.salt);
    expect(ja?.nonce).not.toBe(jb?.nonce);
  });

  it('refuses a wrong passphrase', async () => {
    const text = await sealPrivateKey(pem, label, good);
    const e = await refusal(unsealPrivateKey(text, FILE, label, [passphraseSealer('correct horse')]));
    expect(e.problem).toBe('wrong-secret-or-damaged');
    expect(e.message).toBe(`wrong passphrase or damaged key file ${FILE}`);
  });

  it.each([
    ['the ciphertext', (j: Record<string, unknown>) => void (j.ciphertext = flipBase64(j.ciphertext))],
    ['the tag', (j: Record<string, unknown>) => void (j.tag = flipBase64(j.tag))],
    ['the nonce', (j: Record<string, unknown>) => void (j.nonce = flipBase64(j.nonce))],
    [
      'the scrypt cost (AAD)',
      (j: Record<string, unknown>) => void (j.kek = { ...(j.kek as object), N: 2 ** 16 }),
    ],
    [
      'the salt (AAD)',
      (j: Record<string, unknown>) =>
        void (j.kek = { ...(j.kek as object), salt: flipBase64((j.kek as { salt: string }).salt) }),
    ],
  ])('refuses a file whose %s was changed', async (_what, change) => {
    const text = edit(await sealPrivateKey(pem, label, good), change);
    const e = await refusal(unsealPrivateKey(text, FILE, label, [good]));
    expect(e.problem).toBe('wrong-secret-or-damaged');
    expect(e.message).toBe(`wrong passphrase or damaged key file ${FILE}`);
  });

  it('refuses a purpose or profile rewritten in the header (bound by the AAD)', async () => {
    const sealed = await sealPrivateKey(pem, label, good);
    const asSigning = edit(sealed, (j) => void (j.purpose = 'signing'));
    const e = await refusal(unsealPrivateKey(asSigning, FILE, { ...label, purpose: 'signing' }, [good]));
    expect(e.problem).toBe('wrong-secret-or-damaged');
    const otherProfile = edit(sealed, (j) => void (j.profile = 'Other IPAM'));
    const f = await refusal(
      unsealPrivateKey(otherProfile, FILE, { ...label, profile: 'Other IPAM' }, [good]),
    );
    expect(f.problem).toBe('wrong-secret-or-damaged');
  });

  it('refuses a key sealed for another purpose or profile, saying which', async () => {
    const signing = await sealPrivateKey(pem, { purpose: 'signing', profile: 'SMT Lab' }, good);
    const e = await refusal(unsealPrivateKey(signing, FILE, label, [good]));
    expect(e.problem).toBe('wrong-label');
    expect(e.message).toBe(
      `key file ${FILE} is sealed as the config signing key of profile "SMT Lab", not the TLS client key of profile "SMT Lab"`,
    );
    const other = await refusal(
      unsealPrivateKey(signing, FILE, { purpose: 'signing', profile: 'B' }, [good]),
    );
    expect(other.message).toContain('not the config signing key of profile "B"');
  });

  it('refuses another format version before trying to decrypt', async () => {
    const text = edit(await sealPrivateKey(pem, label, good), (j) => void (j.v = 2));
    const e = await refusal(unsealPrivateKey(text, FILE, label, [good]));
    expect(e.problem).toBe('version');
    expect(e.message).toBe(`key file ${FILE} is sealed in format version 2; this program reads version 1`);
  });

  it('refuses a malformed header and a weak scrypt cost', async () => {
    const sealed = await sealPrivateKey(pem, label, good);
    for (const change of [
      (j: Record<string, unknown>) => void delete j.tag,
      (j: Record<string, unknown>) => void (j.kek = { ...(j.kek as object), N: 1024 }),
      (j: Record<string, unknown>) => void (j.cipher = 'aes-128-cbc'),
    ]) {
      const e = await refusal(unsealPrivateKey(edit(sealed, change), FILE, label, [good]));
      expect(e.problem).toBe('malformed');
      expect(e.message).toContain(`key file ${FILE} is not a valid sealed key`);
    }
  });

  it('says when no sealer of the file kind was given', async () => {
    const text = await sealPrivateKey(pem, label, good);
    const e = await refusal(unsealPrivateKey(text, FILE, label, []));
    expect(e.problem).toBe('no-sealer');
    expect(e.message).toContain('SMT_PASSPHRASE');
  });

  it('picks the sealer of the file kind among several', async () => {
    const keyring: KeySealer = {
      kind: 'safe-storage',
      secret: 'OS keyring',
      newKey: () => Promise.reject(new Error('unused')),
      openKey: () => Promise.reject(new Error('must not be asked')),
    };
    const text = await sealPrivateKey(pem, label, good);
    expect(await unsealPrivateKey(text, FILE, label, [keyring, good])).toBe(pem);
  });
});

describe('openPrivateKey', () => {
  const sealedPolicy: KeyPolicy = { sealed: true, profile: 'SMT Lab', sealers: [good] };

  it('refuses a plain key where sealed keys are required, with the command that seals it', async () => {
    const e = await refusal(openPrivateKey(pem, '/p/console.key', 'tls', sealedPolicy));
    expect(e.problem).toBe('not-sealed');
    expect(e.message).toContain('npm run keys -- seal /p/console.key --purpose tls --profile-name "SMT Lab"');
  });

  it('opens a sealed key under the sealed policy and a plain one under the plain policy', async () => {
    const text = await sealPrivateKey(pem, label, good);
    expect(await openPrivateKey(text, FILE, 'tls', sealedPolicy)).toBe(pem);
    expect(await openPrivateKey(pem, '/p/agent.key', 'tls', plainKeys)).toBe(pem);
  });

  it('refuses a sealed key where plain keys are expected', async () => {
    const text = await sealPrivateKey(pem, label, good);
    const e = await refusal(openPrivateKey(text, FILE, 'tls', plainKeys));
    expect(e.message).toBe(`key file ${FILE} is sealed, but this program reads plain PEM keys only`);
  });
});
