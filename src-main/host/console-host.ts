import type { LogSink } from '../../src-node/log';
import type { KeySealer } from '../../src-node/secrets';
import { ProfileRegistry } from '../core/profiles/registry';
import { ConsoleService } from '../core/service/console-service';
import { openProfileSession, type ProfileSession } from '../core/service/profile-session';
import { startHost, type RunningHost } from './server';

export interface ConsoleHostOptions {
  /** The profile to start with; listed among the registry's under its own name. */
  profileFile: string;
  /** The profiles registry (docs/profiles.md) the admin can switch to and import into. */
  profilesDir?: string;
  sealers: readonly KeySealer[];
  /** The renderer bundle (dist/renderer). */
  staticDir: string;
  port?: number;
  /** The profile's own database (defaultDatabaseFile) unless given. */
  dbFile?: string;
  log: LogSink;
  hostLog: (line: string) => void;
  /** See startHost: how long a session outlives its last page, and where the next session's URL goes. */
  sessionGraceMs?: number;
  onNewUrl?: (url: string) => void;
}

export interface ConsoleHost {
  service: ConsoleService;
  session: ProfileSession;
  host: RunningHost;
  /** Stops serving, then closes the session (the outbox keeps what is not sent) and disconnects. */
  close(): Promise<void>;
}

/**
 * The browser host's console: the profile's session (core, push engine, fleet memory, trends, events on
 * the profile's database, like every console on the profile, so pushes another console queued are sent
 * from here too) behind the ConsoleService, served to the renderer over the WebSocket bridge.
 */
export async function startConsoleHost(opts: ConsoleHostOptions): Promise<ConsoleHost> {
  const session = await openProfileSession({
    profileFile: opts.profileFile,
    ...(opts.dbFile === undefined ? {} : { dbFile: opts.dbFile }),
    sealers: opts.sealers,
    log: opts.log,
  });
  const start = { name: session.name, file: session.profileFile };
  const [sealer] = opts.sealers;
  const service = new ConsoleService(session, {
    log: opts.log,
    ...(opts.profilesDir === undefined || !sealer
      ? {}
      : {
          profiles: {
            registry: new ProfileRegistry(opts.profilesDir, [start]),
            open: (entry) =>
              openProfileSession({
                profileFile: entry.file,
                name: entry.name,
                sealers: opts.sealers,
                log: opts.log,
              }),
            sealer,
          },
        }),
  });
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
    session,
    host,
    close: async () => {
      await host.close();
      await service.close();
    },
  };
}
