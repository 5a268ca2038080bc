import type { ProfileSummary } from '../../../src-shared/ipc/profile-views';
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

/** What a console needs to offer several profiles (docs/profiles.md). */
export interface ProfileSwitching {
  registry: ProfileRegistry;
  /** Opens a profile's session with the unsealing means the console started with. */
  open(entry: ProfileEntry): Promise<ProfileSession>;
  /** Seals an imported profile's keys: the passphrase given at start, or the OS keyring in Electron. */
  sealer: KeySealer;
}

export interface ProfileHandlerOptions {
  switching: ProfileSwitching | undefined;
  actor: string;
  now: () => number;
  /**
   * The ConsoleService's swap: finds the profile named, opens it, rewires events, closes the old session;
   * resolves to the profile switched to.
   */
  switchTo(name: string): Promise<ProfileEntry>;
}

const noRegistry = () =>
  new CallError(
    'unavailable',
    'This console was started without a profiles directory: restart it with --profiles-dir.',
  );

/** The profile a console started from a file alone lists: only itself. */
const selfEntry = (s: ProfileSession): ProfileEntry => ({ name: s.name, file: s.profileFile });

export const profileHandlers = (
  session: () => ProfileSession,
  opts: ProfileHandlerOptions,
): HandlersOf<'listProfiles' | 'switchProfile' | 'importProfile'> => {
  const describe = async (entry: ProfileEntry): Promise<ProfileSummary> => {
    const registry = opts.switching?.registry;
    if (!registry) throw noRegistry();
    return registry.describe(entry, session().profileFile);
  };

  return {
    listProfiles: async () => {
      const registry = opts.switching?.registry;
      if (!registry) {
        return [await describeProfile(selfEntry(session()), session().profileFile)];
      }
      return Promise.all((await registry.list()).map((e) => registry.describe(e, session().profileFile)));
    },

    switchProfile: async ({ name }) => {
      if (!opts.switching) throw noRegistry();
      return describe(await opts.switchTo(name));
    },

    importProfile: async (form) => {
      const switching = opts.switching;
      if (!switching) throw noRegistry();
      let entry: ProfileEntry;
      try {
        entry = await switching.registry.importBundle(form, switching.sealer, new Date(opts.now()));
      } catch (e) {
        if (e instanceof BundleError || e instanceof ProfileExistsError)
          throw new CallError('bad-request', e.message);
        throw e;
      }
      const record = {
        at: opts.now(),
        actor: opts.actor,
        action: 'profile-import',
        subject: entry.name,
        detail: {
          consoleId: (await describe(entry)).consoleId,
          brokers: form.brokers.length,
          from: session().name,
        },
      };
      // The new profile's own trail starts with its import; the current one records that it was done here.
      const db = openDatabase(defaultDatabaseFile(entry.file));
      try {
        new PushStore(db).audit(record);
      } finally {
        db.close();
      }
      session().push.store.audit(record);
      return describe(entry);
    },
  };
};
