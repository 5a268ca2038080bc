import { X509Certificate, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ConsoleProfile } from '../../../src-shared/profile';
import type {
  CertificateFacts,
  ProfileImportForm,
  ProfileSummary,
  SealingKind,
} from '../../../src-shared/ipc/profile-views';
import { sealPrivateKey, sealedKeyKind, type KeySealer } from '../../../src-node/secrets';
import { loadConsoleProfile } from '../profile';
import { certificateFacts, checkBundle } from './bundle';

/** One profile the console can switch to: a directory of the registry, or the file given with --profile. */
export interface ProfileEntry {
  name: string;
  file: string;
}

export const PROFILES_DIR_ENV = 'SMT_PROFILES_DIR';
export const PROFILE_FILE = 'profile.json';

/** `$SMT_PROFILES_DIR`, else `$XDG_CONFIG_HOME/smt-console/profiles` (~/.config/… by default). */
export function defaultProfilesDir(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  const fromEnv = env[PROFILES_DIR_ENV];
  if (fromEnv) return resolve(fromEnv);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'smt-console', 'profiles');
}

export class ProfileExistsError extends Error {
  override name = 'ProfileExistsError';
}

/** What a profile file names, read for the list; an unreadable one is listed with its problem. */
async function certFacts(file: string): Promise<CertificateFacts | null> {
  try {
    return certificateFacts(new X509Certificate(await readFile(file)));
  } catch {
    return null;
  }
}

/** How a profile's keys are sealed, from its TLS key file's header; undefined when that file is unreadable. */
export async function sealingOf(profile: ConsoleProfile): Promise<SealingKind | undefined> {
  let text: string;
  try {
    text = await readFile(profile.tls.keyFile, 'utf8');
  } catch {
    return undefined;
  }
  const kind = sealedKeyKind(text);
  return kind === undefined ? undefined : kind === 'scrypt' ? 'passphrase' : 'keyring';
}

const writeOwnerOnly = (file: string, text: string, mode = 0o600) =>
  writeFile(file, text, { mode, flag: 'wx' });

/** The list entry of one profile: public certificate facts only, never a key. */
export async function describeProfile(entry: ProfileEntry, activeFile: string): Promise<ProfileSummary> {
  const active = resolve(entry.file) === resolve(activeFile);
  let profile: ConsoleProfile;
  try {
    profile = await loadConsoleProfile(entry.file);
  } catch (e) {
    return {
      name: entry.name,
      consoleId: '',
      brokers: [],
      ca: null,
      client: null,
      signing: null,
      active,
      problem: (e as Error).message,
    };
  }
  const [ca, client, signing, sealedWith] = await Promise.all([
    certFacts(profile.tls.caFile),
    certFacts(profile.tls.certFile),
    profile.signing ? certFacts(profile.signing.certFile) : Promise.resolve(null),
    sealingOf(profile),
  ]);
  const missing = [ca ? '' : profile.tls.caFile, client ? '' : profile.tls.certFile].filter(Boolean);
  return {
    name: entry.name,
    consoleId: profile.consoleId,
    brokers: profile.brokers,
    ca,
    client,
    signing,
    active,
    ...(sealedWith ? { sealedWith } : {}),
    ...(missing.length > 0
      ? { problem: `cannot read ${missing.join(' and ')}: import the profile again` }
      : {}),
  };
}

/**
 * The profiles registry: `<dir>/<name>/profile.json` with the profile's certificates, its keys sealed
 * (`*.key.sealed`) and its own database (`profile.db`, beside it as for every profile file). A profile
 * given by file (`--profile`) is listed too, under its own name, and is never written to.
 */
export class ProfileRegistry {
  constructor(
    readonly dir: string,
    private readonly extra: readonly ProfileEntry[] = [],
  ) {}

  /** Every profile, the --profile one first, then the registry's by name. */
  async list(): Promise<ProfileEntry[]> {
    let names: string[] = [];
    try {
      const dirents = await readdir(this.dir, { withFileTypes: true });
      names = dirents.filter((d) => d.isDirectory() && !d.name.startsWith('.')).map((d) => d.name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const found: ProfileEntry[] = [];
    for (const name of names.sort((a, b) => a.localeCompare(b))) {
      const file = join(this.dir, name, PROFILE_FILE);
      if (
        await stat(file).then(
          (s) => s.isFile(),
          () => false,
        )
      )
        found.push({ name, file });
    }
    const taken = new Set(this.extra.map((e) => e.name));
    return [...this.extra, ...found.filter((e) => !taken.has(e.name))];
  }

  async find(name: string): Promise<ProfileEntry | undefined> {
    return (await this.list()).find((e) => e.name === name);
  }

  describe(entry: ProfileEntry, activeFile: string): Promise<ProfileSummary> {
    return describeProfile(entry, activeFile);
  }

  /**
   * Checks the bundle, seals its keys with `sealer` and writes the profile as one new directory: the
   * files go to a hidden directory first and are renamed into place, so a half-written profile is never
   * listed and an existing one is never overwritten. No clear key is written anywhere.
   */
  async importBundle(form: ProfileImportForm, sealer: KeySealer, now = new Date()): Promise<ProfileEntry> {
    const target = join(this.dir, form.name);
    if (await this.find(form.name)) {
      throw new ProfileExistsError(`A profile named "${form.name}" exists already: pick another name.`);
    }
    const bundle = await checkBundle(form, now);
    const label = (purpose: 'tls' | 'signing') => ({ purpose, profile: form.name });
    const sealedClient = await sealPrivateKey(bundle.client.key, label('tls'), sealer);
    const sealedSigning = bundle.signing
      ? await sealPrivateKey(bundle.signing.key, label('signing'), sealer)
      : undefined;
    const profile: ConsoleProfile = {
      name: form.name,
      consoleId: bundle.consoleId,
      brokers: form.brokers,
      tls: { caFile: 'ca.crt', certFile: 'client.crt', keyFile: 'client.key.sealed' },
      ...(bundle.signing ? { signing: { certFile: 'signer.crt', keyFile: 'signer.key.sealed' } } : {}),
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const staging = join(this.dir, `.import-${randomBytes(6).toString('hex')}`);
    await mkdir(staging, { mode: 0o700 });
    try {
      await writeOwnerOnly(join(staging, 'ca.crt'), bundle.ca, 0o644);
      await writeOwnerOnly(join(staging, 'client.crt'), bundle.client.cert, 0o644);
      await writeOwnerOnly(join(staging, 'client.key.sealed'), sealedClient);
      if (bundle.signing && sealedSigning) {
        await writeOwnerOnly(join(staging, 'signer.crt'), bundle.signing.cert, 0o644);
        await writeOwnerOnly(join(staging, 'signer.key.sealed'), sealedSigning);
      }
      await writeOwnerOnly(join(staging, PROFILE_FILE), `${JSON.stringify(profile, null, 2)}\n`, 0o644);
      await rename(staging, target).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOTEMPTY' || e.code === 'EEXIST') {
          throw new ProfileExistsError(`A profile named "${form.name}" exists already: pick another name.`);
        }
        throw e;
      });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return { name: form.name, file: join(target, PROFILE_FILE) };
  }
}
