import { z } from 'zod';
import { checkArgs, readArgs, UsageError } from '../../src-node/command-line';
import { objectKey } from '../../src-shared/config/object-key';
import { SelectorSyntaxError, parseSelector, type TargetSelector } from '../../src-shared/config/selector';
import { ObjectKey } from '../../src-shared/ipc/inventory-views';
import { ConfigObject } from '../../src-shared/protocol';

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
  deliveries <push-id> [--json]
  cancel <push-id> [--json]
  retry <push-id>
  objects [--json]   (the zones and scopes this profile owns or remotes serve, with counts per state)
  drift [--json]     (asks the online remotes what they serve, then lists every drifted or missing
                      object per remote; exit 1 when there is any, 0 otherwise; unknown ones are
                      listed but do not fail)
  pools [--json]     (DHCP subnets and pools of every online DHCP remote, fullest first, with the
                      exhaustion forecast; see docs/dhcp.md)
The passphrase of the console keys comes from $SMT_PASSPHRASE or a prompt (see docs/cli.md).`;

export interface Globals {
  profile?: string;
  db?: string;
  json: boolean;
}

export type Command =
  | { kind: 'remotes' | 'objects' | 'drift' | 'pools' }
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
  | { kind: 'deliveries' | 'cancel' | 'retry'; pushId: string };

export interface Invocation {
  globals: Globals;
  command: Command;
}

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
    name === 'push' || name === 'reconcile' || name === 'revert' ? COMMAND_OPTIONS[name] : [];
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
      arity(0, 'no arguments');
      return { globals, command: { kind: name } };
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
    case undefined:
      throw new UsageError('no command');
    default:
      throw new UsageError(`unknown command "${name}"`);
  }
}
