import { ServedConfig } from '../../../src-shared/protocol';
import { QueryTimeoutError } from '../queries';
import { CallError } from './handlers';
import type { ProfileSession } from './profile-session';

type QueryBody = Parameters<ProfileSession['core']['query']>[1];

/**
 * Asks one remote a query and returns its reply's data; every way it cannot answer (not in the fleet, no
 * broker, no answer in time, an error) is a CallError the admin reads. The remote must be online.
 */
export async function askRemote(
  s: Pick<ProfileSession, 'core'>,
  remoteId: string,
  body: QueryBody,
  timeoutMs: number,
): Promise<unknown> {
  const remote = s.core.fleet.get(remoteId);
  if (!remote) {
    throw new CallError(
      'not-found',
      `No remote ${remoteId} in this profile's fleet: pick one from the fleet table.`,
    );
  }
  const link = s.core.connectionStatus().state.kind;
  if (link !== 'connected') {
    throw new CallError(
      'unavailable',
      `No broker is connected (${link}): the remote must be online to answer. Try again when the connection bar shows connected.`,
    );
  }
  let reply;
  try {
    reply = await s.core.query(remoteId, body, { timeoutMs });
  } catch (e) {
    if (e instanceof QueryTimeoutError) {
      throw new CallError(
        'unavailable',
        `${remoteId} did not answer within ${Math.round(timeoutMs / 1000)} s: the remote must be online to answer. Check its status in the fleet, then try again.`,
      );
    }
    throw e;
  }
  if (!reply.ok) throw new CallError('unavailable', `${remoteId} answered: ${reply.error}`);
  return reply.data;
}

/** What the remote serves for one zone or scope (the `config` query), validated. */
export async function askServed(
  s: ProfileSession,
  remoteId: string,
  object: ServedConfig['object'],
  timeoutMs: number,
): Promise<ServedConfig> {
  const served = ServedConfig.safeParse(await askRemote(s, remoteId, { query: 'config', object }, timeoutMs));
  if (!served.success) {
    throw new CallError(
      'unavailable',
      `${remoteId} answered with something that is not a served configuration; update its agent.`,
    );
  }
  return served.data;
}
