import type { ProfileSummary, Sealing } from '../../../src-shared/ipc/profile-views';
import type { KeySealer } from '../../../src-node/secrets';
import { BundleError } from '../profiles/bundle';
import {
  ProfileExistsError,
  describeProfile,
  type ProfileEntry,
  type ProfileRegistry,
} from '../profiles/registry';
import { openDatabase } from '../store/database';
import { defaultDatabaseFile } from '../store/default-database';
import { PushStore } from '../store/push-store';
import { CallError, type HandlersOf } from './handlers';
import type { ProfileSession } from './profile-session';

/**
 * What a console needs to offer several profiles (docs/profiles.md). The host says how keys can be
 * sealed here: `keyring` only where the OS keyring really protects them (Electron, not `basic_text`).
 */
export interface ProfileSwitching {
  registry: ProfileRegistry;
  /** Opens a profile's session with these sealers (the keyring, the passphrase typed or held). */
  open(entry: ProfileEntry, sealers: readonly KeySealer[]): Promise<ProfileSession>;
  /** The OS keyring sealer, when this host has one that protects the key. */
  keyring?: KeySealer;
  /** A passphrase given at start for automation ($SMT_PASSPHRASE): tried for every profile. */
  startPassphrase?: string;
}

export interface ProfileHandlerOptions {
  switching: ProfileSwitching | undefined;
  actor: string;
  now: () => number;
  /**
   * The ConsoleService's swap: finds the profile named, opens it, rewires events, closes the old session;
   * resolves to the profile switched to.
   */
  switchTo(name: string, passphrase: string | undefined): Promise<ProfileEntry>;
  /** The sealer an import uses for the admin's choice (and the passphrase to hold, if any). */
  sealerForImport(sealing: Sealing | undefined): { sealer: KeySealer; passphrase?: string };
  /** After an import is written: opens it when no profile is open. */
  imported(entry: ProfileEntry, passphrase: string | undefined): Promise<void>;
  /** Adds what only the service knows (whether it holds a profile's passphrase). */
  decorate(summary: ProfileSummary): ProfileSummary;
}

const noRegistry = () =>
  new CallError(
    'unavailable',
    'This console was started without a profiles directory: restart it with --profiles-dir.',
  );

/** The profile a console started from a file alone lists: only itself. */
const selfEntry = (s: ProfileSession): ProfileEntry => ({ name: s.name, file: s.profileFile });

export const profileHandlers = (
  session: () => ProfileSession | undefined,
  opts: ProfileHandlerOptions,
): HandlersOf<'listProfiles' | 'switchProfile' | 'importProfile'> => {
  const activeFile = () => session()?.profileFile ?? '';
  const describe = async (entry: ProfileEntry): Promise<ProfileSummary> => {
    const registry = opts.switching?.registry;
    if (!registry) throw noRegistry();
    return opts.decorate(await registry.describe(entry, activeFile()));
  };

  return {
    listProfiles: async () => {
      const registry = opts.switching?.registry;
      if (!registry) {
        const s = session();
        return s ? [await describeProfile(selfEntry(s), s.profileFile)] : [];
      }
      return Promise.all((await registry.list()).map(describe));
    },

    switchProfile: async ({ name, passphrase }) => {
      if (!opts.switching) throw noRegistry();
      return describe(await opts.switchTo(name, passphrase));
    },

    importProfile: async (form) => {
      const switching = opts.switching;
      if (!switching) throw noRegistry();
      const { sealer, passphrase } = opts.sealerForImport(form.sealing);
      let entry: ProfileEntry;
      try {
        entry = await switching.registry.importBundle(form, sealer, new Date(opts.now()));
      } catch (e) {
        if (e instanceof BundleError || e instanceof ProfileExistsError)
          throw new CallError('bad-request', e.message);
        throw e;
      }
      const current = session();
      const record = {
        at: opts.now(),
        actor: opts.actor,
        action: 'profile-import',
        subject: entry.name,
        detail: {
          consoleId: (await describe(entry)).consoleId,
          brokers: form.brokers.length,
          ...(current ? { from: current.name } : {}),
        },
      };
      // The new profile's own trail starts with its import; the current one records that it was done here.
      const db = openDatabase(defaultDatabaseFile(entry.file));
      try {
        new PushStore(db).audit(record);
      } finally {
        db.close();
      }
      current?.push.store.audit(record);
      await opts.imported(entry, passphrase);
      return describe(entry);
    },
  };
};
