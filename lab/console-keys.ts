/**
 * The lab console's identity: its profile file, its TLS and signing files, and the passphrase that seals
 * their keys (docs/lab.md). What the CLI, the demo and tests need to start a console on the lab unattended.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { SigningFiles, TlsFiles } from '../src-shared/profile';
import { passphraseSealer, type KeyPolicy, type KeySealer } from '../src-node/secrets';
import { loadTlsMaterial, type TlsMaterial } from '../src-node/tls';
import type { ClientTls } from './brokers';
import { writeAtomic } from './files';
import { layoutOf, type LabLayout, type LabOptions } from './paths';

export function consoleProfilePath(opts?: LabOptions): string {
  return layoutOf(opts).consoleProfile;
}

/** The console's TLS files (the same ones console-profile.json names). */
export function consoleTlsFiles(opts?: LabOptions): TlsFiles {
  const l = layoutOf(opts);
  return { caFile: l.caCrt, certFile: l.consoleCrt, keyFile: l.consoleKey };
}

/** The lab's config signing key and certificate (the ones console-profile.json names under signing). */
export function labSignerFiles(opts?: LabOptions): SigningFiles {
  const l = layoutOf(opts);
  return { certFile: l.signerCrt, keyFile: l.signerKey };
}

/** What an agent of this lab lists in trustedSigners, and what simulated remotes trust. */
export function labSignerCertFile(opts?: LabOptions): string {
  return layoutOf(opts).signerCrt;
}

/** The lab console profile's name, to which its sealed keys are bound. */
export const labProfileName = 'SMT Lab';

/**
 * The passphrase of this lab's sealed console keys: random per lab dir, in a 0600 file beside the
 * profile, so the demo and tests can start a console unattended. A lab convenience only: a real
 * console's passphrase is typed by its admin (docs/security.md).
 */
export async function labConsolePassphrase(opts?: LabOptions): Promise<string> {
  const file = layoutOf(opts).consolePassphrase;
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`no console passphrase in ${file}: run \`npm run lab -- up\` first`);
    }
    throw e;
  }
}

/** What opens the lab console's sealed keys: ConsoleCore's `sealers` option. */
export async function labConsoleSealers(opts?: LabOptions): Promise<KeySealer[]> {
  return [passphraseSealer(await labConsolePassphrase(opts))];
}

/** The key policy for loading the lab console's keys directly (loadTlsMaterial, loadConfigSigner). */
export async function labConsoleKeys(opts?: LabOptions): Promise<KeyPolicy> {
  return { sealed: true, profile: labProfileName, sealers: await labConsoleSealers(opts) };
}

/** The lab console's TLS material with its key unsealed in memory (for raw test clients and status). */
export async function labConsoleTls(opts?: LabOptions): Promise<TlsMaterial> {
  return loadTlsMaterial(consoleTlsFiles(opts), new Date(), await labConsoleKeys(opts));
}

/** The lab's passphrase, made on its first preparation. */
export async function ensureConsolePassphrase(layout: LabLayout): Promise<string> {
  const current = await readFile(layout.consolePassphrase, 'utf8').catch(() => undefined);
  if (current?.trim()) return current.trim();
  const passphrase = randomBytes(24).toString('base64url');
  await writeAtomic(layout.consolePassphrase, `${passphrase}\n`, 0o600);
  return passphrase;
}

/** The console's TLS material as the broker probes take it (labStatus: which broker accepts TLS). */
export async function consoleClientTls(layout: LabLayout): Promise<ClientTls> {
  const m = await labConsoleTls({ dir: layout.dir });
  return { ca: Buffer.from(m.ca), cert: Buffer.from(m.cert), key: Buffer.from(m.key) };
}
