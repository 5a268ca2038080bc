import { z } from 'zod';
import { checkArgs, readArgs, UsageError } from '../src-node/command-line';
import { RemoteId } from '../src-shared/protocol/ids';
import { ConsoleRole } from '../src-shared/roles/roles';
import { brokerHeapMb } from './sizing';

/** What `npm run lab -- …` can be asked to do; parsed and validated before anything runs. */
export type LabCommand =
  | { cmd: 'up'; dir?: string; heapMb?: number }
  | { cmd: 'down'; dir?: string }
  | { cmd: 'status'; dir?: string; json: boolean }
  | { cmd: 'provision'; dir?: string; rids: string[]; days?: number }
  | { cmd: 'provision-console'; dir?: string; id: string; role: ConsoleRole }
  | { cmd: 'revoke'; dir?: string; rid: string }
  | { cmd: 'kill'; dir?: string; broker: 'primary' | 'secondary' }
  | { cmd: 'build-plugin' }
  | { cmd: 'help' };

export const usage = `Usage: npm run lab -- <command> [--dir <lab dir>]

  up [--heap-mb N | --remotes N]
                            start the primary and secondary brokers (only what is not running), with
                            a heap of N MB, or sized for N remotes (docs/broker.md, "Sizing"); 256 MB
  down                      stop the brokers up started, by PID
  status [--json]           role of each broker: active, standby or down
  provision <rid...> [--days N]
                            issue certificates and admit remotes (no broker restart); with --days,
                            issue each listed remote a new certificate valid N days (1-3650)
  provision-console <id> --role <viewer|operator|approver|admin>
                            admit an extra console (a plain-key test identity under pki/consoles/)
                            with a role, or change an admitted console's role; the brokers apply it
                            to live sessions within a second (docs/roles.md)
  revoke <rid|console id>   remove a remote or an extra console; its live connections close within seconds
  kill <primary|secondary>  SIGKILL one broker, as a crash would
  build-plugin              compile the identity plugin jar (for a real broker host), print its path

The lab dir defaults to $SMT_LAB_DIR, else .lab/ at the repository root.`;

const remoteIdList = z.array(RemoteId).min(1, 'provision needs at least one remote id');
const heapMb = z.coerce
  .number({ error: '--heap-mb must be a number of megabytes' })
  .int('--heap-mb must be a whole number')
  .min(64, '--heap-mb must be at least 64')
  .max(8192, '--heap-mb must be at most 8192');
const remotes = z.coerce
  .number({ error: '--remotes must be a number of remotes' })
  .int('--remotes must be a whole number')
  .min(1, '--remotes must be at least 1')
  .max(10_000, '--remotes must be at most 10000 (a broker pair holds about that many; docs/broker.md)');
const certDays = z.coerce
  .number({ error: '--days must be a number of days' })
  .int('--days must be a whole number')
  .min(1, '--days must be at least 1')
  .max(3650, '--days must be at most 3650');
const brokerName = z.enum(['primary', 'secondary'], { error: 'kill takes "primary" or "secondary"' });

/** A schema's complaints, each about a list item prefixed with that item (`"R_2": a remote id is …`). */
const check = <T>(schema: z.ZodType<T>, value: unknown): T =>
  checkArgs(schema, value, (error) =>
    error.issues
      .map(
        (i) =>
          (typeof i.path[0] === 'number'
            ? `"${String(value instanceof Array ? value[i.path[0]] : '')}": `
            : '') + i.message,
      )
      .join('; '),
  );

export function parseLabArgs(argv: readonly string[]): LabCommand {
  const { values, positionals } = readArgs(
    argv,
    {
      dir: { type: 'string' },
      json: { type: 'boolean' },
      'heap-mb': { type: 'string' },
      remotes: { type: 'string' },
      role: { type: 'string' },
      days: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  const [cmd, ...rest] = positionals;
  if (values.help || cmd === 'help') return { cmd: 'help' };
  if (cmd === undefined) throw new UsageError('missing command');
  const dir =
    values.dir === undefined ? {} : { dir: check(z.string().min(1, '--dir must not be empty'), values.dir) };

  const onlyOptions = (allowed: string[]) => {
    const extra = Object.keys(values).filter((k) => k !== 'dir' && !allowed.includes(k));
    if (extra.length) throw new UsageError(`${cmd} does not take --${extra.join(', --')}`);
  };
  const positionalCount = (n: number, what: string) => {
    if (rest.length !== n)
      throw new UsageError(`${cmd} takes ${what}, got ${rest.length ? rest.join(' ') : 'nothing'}`);
  };

  switch (cmd) {
    case 'up':
      onlyOptions(['heap-mb', 'remotes']);
      positionalCount(0, 'no arguments');
      if (values['heap-mb'] !== undefined && values.remotes !== undefined)
        throw new UsageError('up takes --heap-mb or --remotes, not both');
      return {
        cmd,
        ...dir,
        ...(values['heap-mb'] === undefined ? {} : { heapMb: check(heapMb, values['heap-mb']) }),
        ...(values.remotes === undefined ? {} : { heapMb: brokerHeapMb(check(remotes, values.remotes)) }),
      };
    case 'down':
      onlyOptions([]);
      positionalCount(0, 'no arguments');
      return { cmd, ...dir };
    case 'status':
      onlyOptions(['json']);
      positionalCount(0, 'no arguments');
      return { cmd, ...dir, json: values.json === true };
    case 'provision':
      onlyOptions(['days']);
      return {
        cmd,
        ...dir,
        rids: check(remoteIdList, rest),
        ...(values.days === undefined ? {} : { days: check(certDays, values.days) }),
      };
    case 'provision-console':
      onlyOptions(['role']);
      positionalCount(1, 'one console id');
      if (values.role === undefined)
        throw new UsageError('provision-console needs --role (viewer, operator, approver or admin)');
      return {
        cmd,
        ...dir,
        id: check(remoteIdList, rest)[0] as string,
        role: check(ConsoleRole, values.role),
      };
    case 'revoke':
      onlyOptions([]);
      positionalCount(1, 'one remote id');
      return { cmd, ...dir, rid: check(remoteIdList, rest)[0] as string };
    case 'kill':
      onlyOptions([]);
      positionalCount(1, 'one broker name');
      return { cmd, ...dir, broker: check(brokerName, rest[0]) };
    case 'build-plugin':
      onlyOptions([]);
      if (values.dir !== undefined) throw new UsageError('build-plugin does not take --dir');
      positionalCount(0, 'no arguments');
      return { cmd };
    default:
      throw new UsageError(`unknown command "${cmd}"`);
  }
}

interface StatusLine {
  name: string;
  url: string;
  pid: number | null;
  role: string;
}

/** `status --json`: exactly these four fields per broker, in this order, for scripts. */
export function renderStatusJson(brokers: readonly StatusLine[]): string {
  return JSON.stringify({ brokers: brokers.map(({ name, url, pid, role }) => ({ name, url, pid, role })) });
}

export function renderStatusText(brokers: readonly StatusLine[]): string {
  return brokers
    .map(
      (b) => `${b.name.padEnd(10)} ${b.role.padEnd(8)} ${b.url}${b.pid === null ? '' : `  (pid ${b.pid})`}`,
    )
    .join('\n');
}
