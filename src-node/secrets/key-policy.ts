import { SealedKeyError, isSealedKey, unsealPrivateKey, type KeyPurpose } from './sealed-key';
import type { KeySealer } from './sealer';

/**
 * What a loader accepts as a private key file. Plain PEM only where the owner chose it explicitly (an
 * agent's own key today); a console profile's keys are always sealed and a plain one is refused.
 */
export type KeyPolicy = { sealed: false } | { sealed: true; profile: string; sealers: readonly KeySealer[] };

export const plainKeys: KeyPolicy = { sealed: false };

/** The exact command that seals a plain key for this profile, for refusal messages. */
export const sealCommand = (file: string, purpose: KeyPurpose, profile: string): string =>
  `npm run keys -- seal ${file} --purpose ${purpose} --profile-name ${JSON.stringify(profile)}`;

/** The PEM private key a key file holds under this policy, decrypted in memory only. */
export async function openPrivateKey(
  text: string,
  file: string,
  purpose: KeyPurpose,
  policy: KeyPolicy,
): Promise<string> {
  const sealed = isSealedKey(text);
  if (!policy.sealed) {
    if (sealed) {
      throw new SealedKeyError(
        'no-sealer',
        file,
        `key file ${file} is sealed, but this program reads plain PEM keys only`,
      );
    }
    return text;
  }
  if (!sealed) {
    throw new SealedKeyError(
      'not-sealed',
      file,
      `key file ${file} is not sealed: the console keeps its private keys encrypted at rest. ` +
        `Seal it with \`${sealCommand(file, purpose, policy.profile)}\`, point the profile at ${file}.sealed ` +
        `and delete ${file}`,
    );
  }
  return unsealPrivateKey(text, file, { purpose, profile: policy.profile }, policy.sealers);
}
