/**
 * `npm run keys -- seal <key.pem> --purpose tls|signing --profile-name <name> [--out <file>]`: seals an
 * admin's existing PEM private key for a console profile (docs/security.md, "Secrets at rest"). The
 * passphrase comes from $SMT_PASSPHRASE or is typed twice on the terminal. The clear file is left for the
 * admin to delete once the profile points at the sealed one.
 */
import { createPrivateKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { checkArgs, readArgs, UsageError } from '../command-line';
import { PASSPHRASE_ENV, readPassphrase } from './passphrase';
import { passphraseSealer } from './passphrase-sealer';
import { keyPurposes, sealPrivateKey, unsealPrivateKey, type KeyPurpose } from './sealed-key';
import { errorText } from '../../src-shared/util/error-text';

export const usage = `usage: npm run keys -- seal <key.pem> --purpose tls|signing --profile-name <name> [--out <file>]

  Seals a PEM private key for the console profile <name> (its "name" field): the TLS client key
  (--purpose tls, the profile's tls.keyFile) or the config signing key (--purpose signing). Writes
  <key.pem>.sealed (mode 0600) unless --out is given; never overwrites a file. The passphrase is typed
  twice, or taken from $${PASSPHRASE_ENV} (for automation).`;

const SealArgs = z.object({
  file: z.string().min(1),
  purpose: z.enum(keyPurposes as [KeyPurpose, ...KeyPurpose[]], {
    error: '--purpose is "tls" or "signing"',
  }),
  profileName: z.string({ error: '--profile-name <name> is required' }).min(1).max(100),
  out: z.string().min(1).optional(),
});
export type SealArgs = z.infer<typeof SealArgs>;

export function parseKeysArgs(argv: readonly string[]): SealArgs {
  const { values, positionals } = readArgs(
    argv,
    { purpose: { type: 'string' }, 'profile-name': { type: 'string' }, out: { type: 'string' } },
    true,
  );
  const [cmd, ...files] = positionals;
  if (cmd !== 'seal') throw new UsageError(cmd ? `unknown command "${cmd}"` : 'missing command');
  if (files.length !== 1) throw new UsageError('seal takes exactly one key file');
  return checkArgs(SealArgs, {
    file: files[0],
    purpose: values.purpose,
    profileName: values['profile-name'],
    out: values.out,
  });
}

/** Seals one key file; returns where the sealed file was written. */
export async function sealKeyFile(args: SealArgs, passphrase: string): Promise<string> {
  const pem = await readFile(args.file, 'utf8');
  try {
    createPrivateKey(pem);
  } catch (e) {
    throw new Error(`${args.file} is not an unencrypted PEM private key: ${(e as Error).message}`);
  }
  const label = { purpose: args.purpose, profile: args.profileName };
  const sealer = passphraseSealer(passphrase);
  const text = await sealPrivateKey(pem, label, sealer);
  const out = args.out ?? `${args.file}.sealed`;
  // Proves the file opens before the admin deletes the clear key.
  if ((await unsealPrivateKey(text, out, label, [sealer])) !== pem)
    throw new Error('sealing did not round-trip');
  await writeFile(out, text, { mode: 0o600, flag: 'wx' });
  return out;
}

async function main(argv: string[]): Promise<number> {
  const args = parseKeysArgs(argv);
  const fromEnv = process.env[PASSPHRASE_ENV] !== undefined;
  const passphrase = await readPassphrase({ prompt: 'New passphrase of the console keys: ' });
  if (!fromEnv && (await readPassphrase({ prompt: 'Again: ' })) !== passphrase) {
    throw new Error('the two passphrases differ; nothing was written');
  }
  const out = await sealKeyFile(args, passphrase);
  const field = args.purpose === 'tls' ? 'tls.keyFile' : 'signing.keyFile';
  process.stdout.write(
    `sealed ${args.file} -> ${out}\nPoint the profile's ${field} at ${out}, check the console starts, then delete ${args.file}.\n`,
  );
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      if (e instanceof UsageError) {
        process.stderr.write(`keys: ${e.message}\n\n${usage}\n`);
        process.exit(2);
      }
      process.stderr.write(`keys: ${errorText(e)}\n`);
      process.exit(1);
    },
  );
}
