import type { LogSink } from '../../src-node/log';
import type { KeySealer } from '../../src-node/secrets';
import { loadConsoleProfile } from '../core/profile';
import { openUnderLock } from '../core/profiles/profile-lock';
import { ProfileRegistry, type ProfileEntry } from '../core/profiles/registry';
import { ConsoleService } from '../core/service/console-service';
import { openProfileSession, type ProfileSession } from '../core/service/profile-session';
import { startHost, type RunningHost } from './server';

export interface ConsoleHostOptions {
  /** A profile given by file (--profile); listed among the registry's under its own name. */
  profileFile?: string;
  /** The profiles registry (docs/profiles.md) the admin can switch to, unlock and import into. */
  profilesDir?: string;
  /**
   * With `profileFile`: open it with these at start, and fail to start if it does not open (automation:
   * the demo, tests). Without them the console starts locked or in onboarding and asks in the page.
   */
  sealers?: readonly KeySealer[];
  /** A passphrase given for automation ($SMT_PASSPHRASE): opens (and seals) like one typed in the page. */
  startPassphrase?: string;
  /** The renderer bundle (dist/renderer). */
  staticDir: string;
  port?: number;
  /** The start profile's own database (defaultDatabaseFile) unless given. */
  dbFile?: string;
  log: LogSink;
  hostLog: (line: string) => void;
  /** See startHost: how long a session outlives its last page, and where the next session's URL goes. */
  sessionGraceMs?: number;
  onNewUrl?: (url: string) => void;
}

export interface ConsoleHost {
  service: ConsoleService;
  /** The open profile's session (throws while none is open). */
  readonly session: ProfileSession;
  host: RunningHost;
  /** Stops serving, then closes the session (the outbox keeps what is not sent) and disconnects. */
  close(): Promise<void>;
}

/**
 * The browser host's console: the profile's session (core, push engine, fleet memory, trends, events on
 * the profile's database, like every console on the profile, so pushes another console queued are sent
 * from here too) behind the ConsoleService, served to the renderer over the WebSocket bridge. Every
 * session is opened under the profile's lock file: one interactive console per profile.
 */
export async function startConsoleHost(opts: ConsoleHostOptions): Promise<ConsoleHost> {
  const open = (entry: ProfileEntry, sealers: readonly KeySealer[], dbFile?: string) =>
    openUnderLock(entry, () =>
      openProfileSession({
        profileFile: entry.file,
        name: entry.name,
        ...(dbFile === undefined ? {} : { dbFile }),
        sealers,
        log: opts.log,
      }),
    );
  let start: ProfileEntry | undefined;
  if (opts.profileFile !== undefined) {
    let name: string;
    try {
      name = (await loadConsoleProfile(opts.profileFile)).name;
    } catch (e) {
      // Automation must hear it now; an admin sees the problem on the unlock screen.
      if (opts.sealers) throw e;
      name = 'Start profile';
    }
    start = { name, file: opts.profileFile };
  }
  const first = start && opts.sealers ? await open(start, opts.sealers, opts.dbFile) : undefined;
  const service = new ConsoleService(first, {
    log: opts.log,
    ...(opts.profilesDir === undefined
      ? {}
      : {
          profiles: {
            registry: new ProfileRegistry(opts.profilesDir, start ? [start] : []),
            open: (entry, sealers) => open(entry, sealers),
            ...(opts.startPassphrase === undefined ? {} : { startPassphrase: opts.startPassphrase }),
          },
        }),
  });
  if (!first) await service.openAtStart(start?.name);
  let host: RunningHost;
  try {
    host = await startHost({
      backend: service,
      ...(opts.port === undefined ? {} : { port: opts.port }),
      staticDir: opts.staticDir,
      log: opts.hostLog,
      ...(opts.sessionGraceMs === undefined ? {} : { sessionGraceMs: opts.sessionGraceMs }),
      ...(opts.onNewUrl ? { onNewUrl: opts.onNewUrl } : {}),
    });
  } catch (e) {
    await service.close();
    throw e;
  }
  return {
    service,
    get session() {
      return service.session;
    },
    host,
    close: async () => {
      await host.close();
      await service.close();
    },
  };
}
