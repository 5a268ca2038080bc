import { z } from 'zod';
import { checkArgs, readArgs, UsageError } from '../../src-node/command-line';
import { SelectorSyntaxError, parseSelector, type TargetSelector } from '../../src-shared/config/selector';

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
  deliveries <push-id> [--json]
  cancel <push-id> [--json]
  retry <push-id>
  objects [--json]   (the zones and scopes this profile owns or remotes serve, with counts per state)
  drift [--json]     (asks the online remotes what they serve, then lists every drifted or missing
                      object per remote; exit 1 when there is any, 0 otherwise; unknown ones are
                      listed but do not fail)
The passphrase of the console keys comes from $SMT_PASSPHRASE or a prompt (see docs/cli.md).`;

export interface Globals {
  profile?: string;
  db?: string;
  json: boolean;
}

export type Command =
  | { kind: 'remotes' | 'objects' | 'drift' }
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
    },
    true,
  );
  const globals: Globals = {
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values.db === undefined ? {} : { db: values.db }),
    json: values.json,
  };
  const [name, ...rest] = positionals;
  const pushOnly = (['to', 'zone', 'canary', 'expires', 'wait', 'timeout', 'preview'] as const).filter(
    (k) => values[k] !== undefined && values[k] !== false,
  );
  if (name !== 'push' && pushOnly.length > 0) {
    throw new UsageError(`--${pushOnly[0]} belongs to \`smt push\``);
  }
  const arity = (n: number, what: string) => {
    if (rest.length !== n) throw new UsageError(`\`smt ${name}\` takes ${what}`);
  };
  switch (name) {
    case 'remotes':
    case 'objects':
    case 'drift':
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
      let to: TargetSelector;
      try {
        to = parseSelector(values.to);
      } catch (e) {
        if (e instanceof SelectorSyntaxError) throw new UsageError(`--to: ${e.message}`);
        throw e;
      }
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
          timeoutMs:
            checkArgs(
              TimeoutS,
              values.timeout ?? (values.preview ? DEFAULT_PREVIEW_TIMEOUT_S : DEFAULT_TIMEOUT_S),
            ) * 1000,
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
