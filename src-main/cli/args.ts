import { z } from 'zod';
import { checkArgs, readArgs, UsageError } from '../../src-node/command-line';
import { objectKey } from '../../src-shared/config/object-key';
import { SelectorSyntaxError, parseSelector, type TargetSelector } from '../../src-shared/config/selector';
import { FindNameQuery } from '../../src-shared/ipc/dns-views';
import { ObjectKey } from '../../src-shared/ipc/inventory-views';
import { ConfigObject, type LookupRrtype } from '../../src-shared/protocol';
import { LeaseFindBy, leaseFindOf, type LeaseFindQuery } from '../../src-shared/protocol/lease-find';

/** Exit codes of `smt` (docs/cli.md). */
export const Exit = {
  ok: 0,
  error: 1,
  usage: 2,
  connect: 3,
  failed: 4,
  halted: 5,
  timeout: 6,
  /** `smt drift`: some remote does not serve what the console intends (drifted or missing). */
  drift: 1,
  /** `push --preview`: the preview ran, but some targets could not say what they serve. */
  incomplete: 7,
} as const;
export type ExitCode = (typeof Exit)[keyof typeof Exit];

/** Ends the command with this exit code and a one-line reason on stderr. */
export class CliExit extends Error {
  override name = 'CliExit';
  constructor(
    readonly code: ExitCode,
    message: string,
  ) {
    super(message);
  }
}

export const usage = `usage: smt [--profile <file>] [--db <file>] <command>
  remotes [--json]
  push zone <zone file> --to <selector> [--zone <name>] [--canary N] [--expires D] [--wait] [--timeout S] [--json]
  push scope <scope.json> --to <selector> [--canary N] [--expires D] [--wait] [--timeout S] [--json]
  push zone|scope <file> --to <selector> --preview [--timeout S] [--json]   (shows the diffs, pushes nothing)
  reconcile <zone|cidr> [--to <selector>] [--wait] [--timeout S] [--json]   (the intended version again, to drifted and missing remotes)
  revert <zone|cidr> --to-version V [--wait] [--timeout S] [--json]          (an earlier version's content, as a new version)
  reconcile|revert … --preview [--timeout S] [--json]                        (shows the diffs, pushes nothing)
  reservation add <cidr> --mac M --ip A [--hostname H] [--in-pool] [--canary N] [--wait] [--timeout S] [--json]
  reservation edit <cidr> --mac M [--ip A] [--hostname H] [--in-pool] [--canary N] [--wait] [--timeout S] [--json]
  reservation delete <cidr> --mac M [--canary N] [--wait] [--timeout S] [--json]
  reservation … --preview [--timeout S] [--json]   (the scope's intended version with the change, as a push)
  deliveries <push-id> [--json]
  cancel <push-id> [--json]
  retry <push-id>
  objects [--json]   (the zones and scopes this profile owns or remotes serve, with counts per state)
  alerts [--firing] [--json]   (the alerts the desktop console or host raised, from the profile's database;
                                firing and acknowledged, or only firing; evaluates nothing itself)
  ack <alert-id>… [--comment <text>] [--json]   (acknowledges firing alerts, audited; exit 4 if any is refused)
  leases find <ip|mac|client-id|hostname> [--by ip|mac|client-id|hostname] [--timeout S] [--json]
                     (asks the online DHCP remotes for their leases matching it; exit 1 when none is found)
  drift [--json]     (asks the online remotes what they serve, then lists every drifted or missing
                      object per remote; exit 1 when there is any, 0 otherwise; unknown ones are
                      listed but do not fail)
  find <name> [--type A] [--json]   (asks every online DNS remote serving a zone that holds the name what
                      its named answers; exit 1 when the remotes disagree or one could not answer)
  pools [--json]     (DHCP subnets and pools of every online DHCP remote, fullest first, with the
                      exhaustion forecast; see docs/dhcp.md)
  ha [--json]        (Kea HA pairs of the online DHCP remotes, each side's state and the pair's verdict;
                      exit 1 when a partner is down or a pair disagrees; see docs/dhcp.md)
The passphrase of the console keys comes from $SMT_PASSPHRASE or a prompt (see docs/cli.md).`;

export interface Globals {
  profile?: string;
  db?: string;
  json: boolean;
}

export type Command =
  | { kind: 'remotes' | 'objects' | 'drift' | 'pools' | 'ha' }
  | {
      kind: 'push';
      what: 'zone' | 'scope';
      file: string;
      to: TargetSelector;
      zone?: string;
      canary?: number;
      /** From the moment of the push: its deadline (docs/push.md). */
      expiresMs?: number;
      wait: boolean;
      /** With --wait: the whole push; with --preview: each remote's answer. */
      timeoutMs: number;
      /** Show what each target serves against the payload; push nothing. */
      preview?: true;
    }
  | {
      kind: 'reconcile' | 'revert';
      /** The object's key (objectKey): `zone:<name>` or `scope:<cidr>`. */
      key: ObjectKey;
      /** reconcile: only the drifted and missing remotes among these. */
      to?: TargetSelector;
      /** revert: the version whose content is pushed again. */
      toVersion?: number;
      wait: boolean;
      timeoutMs: number;
      preview?: true;
    }
  | {
      kind: 'reservation';
      /** `scope:<cidr>`. */
      key: ObjectKey;
      op: 'add' | 'edit' | 'delete';
      /** The host, by its MAC: the one added, or whose reservation is edited or deleted. */
      mac: string;
      ip?: string;
      hostname?: string;
      /** Push a reservation inside a pool anyway (docs/reservations.md). */
      allowInPool: boolean;
      canary?: number;
      wait: boolean;
      timeoutMs: number;
      preview?: true;
    }
  | { kind: 'deliveries' | 'cancel' | 'retry'; pushId: string }
  | { kind: 'alerts'; firing: boolean }
  | { kind: 'ack'; ids: string[]; comment?: string }
  | { kind: 'find'; name: string; rrtype: LookupRrtype }
  | { kind: 'deliveries' | 'cancel' | 'retry'; pushId: string }
  | { kind: 'leases-find'; query: LeaseFindQuery; timeoutMs: number };

export interface Invocation {
  globals: Globals;
  command: Command;
}

const AlertIds = z
  .array(z.string().regex(/^a-[0-9]{1,12}$/, 'an alert id is `a-` and digits, as `smt alerts` lists it'))
  .min(1, '`smt ack` takes at least one alert id');
const Comment = z
  .string()
  .trim()
  .min(1, '--comment takes some text')
  .max(2_000, '--comment is at most 2000 characters');
const PushId = z.uuid('a push id is the UUID `smt push` printed');
const Canary = z.coerce
  .number('--canary takes a number')
  .int('--canary takes a whole number')
  .positive('--canary is at least 1');
const TimeoutS = z.coerce
  .number('--timeout takes a number of seconds')
  .positive('--timeout is above 0 seconds')
  .max(86_400, '--timeout is at most 86400 seconds');
const ToVersion = z.coerce
  .number('--to-version takes a version number')
  .int('--to-version takes a whole number')
  .positive('--to-version is at least 1');
const DEFAULT_TIMEOUT_S = 300;
/** A remote that is online answers a query in milliseconds; one that does not in 5 s is taken as unreachable. */
const DEFAULT_PREVIEW_TIMEOUT_S = 5;
const unitMs = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_EXPIRES_MS = 30 * unitMs.d;
const Expires = z
  .string()
  .regex(
    /^[1-9][0-9]{0,6}[smhd]$/,
    '--expires takes a duration: a whole number and s, m, h or d (90s, 30m, 2h, 1d)',
  )
  .transform((v) => Number(v.slice(0, -1)) * unitMs[v.slice(-1) as keyof typeof unitMs])
  .pipe(z.number().max(MAX_EXPIRES_MS, '--expires is at most 30d'));

/** The options each pushing command takes; the others take none of them. */
const COMMAND_OPTIONS = {
  push: ['to', 'zone', 'canary', 'expires', 'wait', 'timeout', 'preview'],
  reconcile: ['to', 'wait', 'timeout', 'preview'],
  revert: ['to-version', 'wait', 'timeout', 'preview'],
  reservation: ['mac', 'ip', 'hostname', 'in-pool', 'canary', 'wait', 'timeout', 'preview'],
  alerts: ['firing'],
  ack: ['comment'],
  find: ['type'],
  leases: ['by', 'timeout'],
} as const;
type CommandOption = (typeof COMMAND_OPTIONS)[keyof typeof COMMAND_OPTIONS][number];
const commandOptions = [...new Set(Object.values(COMMAND_OPTIONS).flat())];

/**
 * `reconcile` and `revert` name the object as an admin knows it: a zone name, a CIDR, or its key
 * (`zone:example.test`, `scope:10.0.0.0/24`) as `--json` output and the desktop console show it.
 */
export function objectKeyArg(text: string): ObjectKey {
  let key = text;
  if (!/^(zone|scope):/.test(text)) {
    const asScope = ConfigObject.safeParse({ kind: 'scope', subnet: text });
    const asZone = ConfigObject.safeParse({ kind: 'zone', name: text });
    if (asScope.success) key = objectKey(asScope.data);
    else if (asZone.success && !/^[0-9./]+$/.test(text)) key = objectKey(asZone.data);
    else throw new UsageError(`"${text}" is neither a zone name nor a CIDR such as 10.0.0.0/24`);
  }
  return checkArgs(ObjectKey, key);
}

/** Parses `smt` arguments; every mistake is a CliExit with code 2 naming it. */
export function parseCli(argv: readonly string[]): Invocation {
  try {
    return parseInvocation(argv);
  } catch (e) {
    if (e instanceof UsageError) throw new CliExit(Exit.usage, e.message);
    throw e;
  }
}

function parseInvocation(argv: readonly string[]): Invocation {
  const { values, positionals } = readArgs(
    argv,
    {
      profile: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean', default: false },
      to: { type: 'string' },
      zone: { type: 'string' },
      canary: { type: 'string' },
      expires: { type: 'string' },
      wait: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      preview: { type: 'boolean', default: false },
      'to-version': { type: 'string' },
      mac: { type: 'string' },
      ip: { type: 'string' },
      hostname: { type: 'string' },
      'in-pool': { type: 'boolean', default: false },
      firing: { type: 'boolean', default: false },
      comment: { type: 'string' },
      type: { type: 'string' },
      by: { type: 'string' },
    },
    true,
  );
  const globals: Globals = {
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values.db === undefined ? {} : { db: values.db }),
    json: values.json,
  };
  const [name, ...rest] = positionals;
  const allowed: readonly CommandOption[] =
    name === 'push' ||
    name === 'reconcile' ||
    name === 'revert' ||
    name === 'reservation' ||
    name === 'alerts' ||
    name === 'ack' ||
    name === 'find' ||
    name === 'leases'
      ? COMMAND_OPTIONS[name]
      : [];
  const misplaced = commandOptions.find(
    (k) => values[k] !== undefined && values[k] !== false && !allowed.includes(k),
  );
  if (misplaced !== undefined) {
    const owner = (Object.keys(COMMAND_OPTIONS) as (keyof typeof COMMAND_OPTIONS)[]).find((c) =>
      (COMMAND_OPTIONS[c] as readonly CommandOption[]).includes(misplaced),
    );
    throw new UsageError(`--${misplaced} belongs to \`smt ${owner}\``);
  }
  const timeoutMs = () =>
    checkArgs(TimeoutS, values.timeout ?? (values.preview ? DEFAULT_PREVIEW_TIMEOUT_S : DEFAULT_TIMEOUT_S)) *
    1000;
  const selector = (text: string) => {
    try {
      return parseSelector(text);
    } catch (e) {
      if (e instanceof SelectorSyntaxError) throw new UsageError(`--to: ${e.message}`);
      throw e;
    }
  };
  const arity = (n: number, what: string) => {
    if (rest.length !== n) throw new UsageError(`\`smt ${name}\` takes ${what}`);
  };
  switch (name) {
    case 'remotes':
    case 'objects':
    case 'drift':
    case 'pools':
    case 'ha':
      arity(0, 'no arguments');
      return { globals, command: { kind: name } };
    case 'alerts':
      arity(0, 'no arguments (--firing for firing ones only)');
      return { globals, command: { kind: 'alerts', firing: values.firing } };
    case 'ack':
      return {
        globals,
        command: {
          kind: 'ack',
          ids: [...new Set(checkArgs(AlertIds, rest))],
          ...(values.comment === undefined ? {} : { comment: checkArgs(Comment, values.comment) }),
        },
      };
    case 'deliveries':
    case 'cancel':
    case 'retry':
      arity(1, 'one push id');
      return { globals, command: { kind: name, pushId: checkArgs(PushId, rest[0]) } };
    case 'push': {
      const [what, file, ...extra] = rest;
      if ((what !== 'zone' && what !== 'scope') || file === undefined || extra.length > 0) {
        throw new UsageError('`smt push` takes `zone <file>` or `scope <file.json>`');
      }
      if (values.to === undefined) throw new UsageError('`smt push` needs --to <selector>');
      if (what === 'scope' && values.zone !== undefined)
        throw new UsageError('--zone belongs to `smt push zone`');
      const pushingOnly = values.wait
        ? 'wait'
        : values.canary !== undefined
          ? 'canary'
          : values.expires !== undefined
            ? 'expires'
            : undefined;
      if (values.preview && pushingOnly !== undefined) {
        throw new UsageError(`--preview pushes nothing: drop --${pushingOnly}`);
      }
      const to = selector(values.to);
      return {
        globals,
        command: {
          kind: 'push',
          what,
          file,
          to,
          ...(values.zone === undefined ? {} : { zone: values.zone }),
          ...(values.canary === undefined ? {} : { canary: checkArgs(Canary, values.canary) }),
          ...(values.expires === undefined ? {} : { expiresMs: checkArgs(Expires, values.expires) }),
          wait: values.wait,
          timeoutMs: timeoutMs(),
          ...(values.preview ? { preview: true as const } : {}),
        },
      };
    }
    case 'reconcile':
    case 'revert': {
      arity(1, 'one zone name or CIDR');
      if (values.preview && values.wait) throw new UsageError('--preview pushes nothing: drop --wait');
      const version = values['to-version'];
      if (name === 'revert' && version === undefined)
        throw new UsageError('`smt revert` needs --to-version <version>');
      return {
        globals,
        command: {
          kind: name,
          key: objectKeyArg(rest[0] as string),
          ...(values.to === undefined ? {} : { to: selector(values.to) }),
          ...(version === undefined ? {} : { toVersion: checkArgs(ToVersion, version) }),
          wait: values.wait,
          timeoutMs: timeoutMs(),
          ...(values.preview ? { preview: true as const } : {}),
        },
      };
    }
    case 'reservation': {
      const [op, cidr, ...extra] = rest;
      if ((op !== 'add' && op !== 'edit' && op !== 'delete') || cidr === undefined || extra.length > 0) {
        throw new UsageError('`smt reservation` takes `add|edit|delete <cidr>`');
      }
      if (values.mac === undefined) throw new UsageError(`\`smt reservation ${op}\` needs --mac <MAC>`);
      if (op === 'add' && values.ip === undefined)
        throw new UsageError('`smt reservation add` needs --ip <address>');
      if (op === 'edit' && values.ip === undefined && values.hostname === undefined)
        throw new UsageError('`smt reservation edit` needs --ip or --hostname (what changes)');
      if (op === 'delete' && (values.ip !== undefined || values.hostname !== undefined))
        throw new UsageError('`smt reservation delete` takes only --mac');
      if (values.preview && (values.wait || values.canary !== undefined))
        throw new UsageError(`--preview pushes nothing: drop --${values.wait ? 'wait' : 'canary'}`);
      const key = objectKeyArg(cidr);
      if (!key.startsWith('scope:')) throw new UsageError(`"${cidr}" is not a CIDR such as 10.0.0.0/24`);
      return {
        globals,
        command: {
          kind: 'reservation',
          key,
          op,
          mac: values.mac,
          ...(values.ip === undefined ? {} : { ip: values.ip }),
          ...(values.hostname === undefined ? {} : { hostname: values.hostname }),
          allowInPool: values['in-pool'],
          ...(values.canary === undefined ? {} : { canary: checkArgs(Canary, values.canary) }),
          wait: values.wait,
          timeoutMs: timeoutMs(),
          ...(values.preview ? { preview: true as const } : {}),
        },
      };
    }
    case 'find': {
      arity(1, 'one name, such as www.example.com');
      const query = checkArgs(FindNameQuery, {
        name: rest[0],
        ...(values.type === undefined ? {} : { rrtype: values.type.toUpperCase() }),
      });
      return { globals, command: { kind: 'find', name: query.name, rrtype: query.rrtype } };
    }
    case 'leases': {
      const [sub, value, ...extra] = rest;
      if (sub !== 'find' || value === undefined || extra.length > 0) {
        throw new UsageError('`smt leases` takes `find <ip|mac|client-id|hostname>`');
      }
      const by =
        values.by === undefined
          ? undefined
          : checkArgs(LeaseFindBy, values.by, () => '--by takes ip, mac, client-id or hostname');
      // A malformed value is refused here, before any profile is opened or anything is sent.
      const parsed = leaseFindOf(value, by);
      if (!parsed.ok) throw new UsageError(parsed.error);
      return {
        globals,
        command: {
          kind: 'leases-find',
          query: parsed.query,
          timeoutMs: checkArgs(TimeoutS, values.timeout ?? DEFAULT_PREVIEW_TIMEOUT_S) * 1000,
        },
      };
    }
    case undefined:
      throw new UsageError('no command');
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}
