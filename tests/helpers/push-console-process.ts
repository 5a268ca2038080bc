/**
 * A console as its own process, for the test that SIGKILLs it mid-push: it opens the database, waits to
 * know the DNS remotes, pushes the fleet zone of the given version to them, prints "pushed <id>" and keeps
 * running until it is killed.
 *
 *   tsx tests/helpers/push-console-process.ts <lab dir> <db file> <version> <expected targets>
 */
import { waitFor } from '../../src-node/smt/testing/wait';
import { fleetZonePush, startPushConsole } from './push-console';

const [dir = '', dbFile = '', version = '', targets = ''] = process.argv.slice(2);
const pc = await startPushConsole({ dir }, dbFile);
await waitFor(
  `${targets} DNS remotes`,
  () => pc.core.fleet.selectable().filter((r) => r.capabilities.includes('dns')).length === Number(targets),
  60_000,
  100,
);
const { push } = pc.engine.push(fleetZonePush(Number(version)));
process.stdout.write(`pushed ${push.id}\n`);
