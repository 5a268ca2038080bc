/**
 * The one argument parser of the project's command lines (`smt`, `smt-agent`, `npm run host`, `keys`, `lab`,
 * `chaos`, `bench`, `demo`): Node's `util.parseArgs`, always strict, then a zod schema for the values.
 * Every mistake becomes a UsageError whose message each CLI prints with its usage before exiting 2; the
 * wording is Node's for an unknown or malformed flag and the schema's for a bad value.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { errorText } from '../src-shared/util/error-text';

/** A mistake on the command line: the CLI says what is wrong, shows its usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The flags a command line takes (`util.parseArgs`'s `options`). */
type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Reads the flags `options` names (and, with `positionals`, the words between them); an unknown flag, a
 * missing value or a stray word is a UsageError with Node's message (`Unknown option '--verbose'`).
 */
export function readArgs<const O extends Options, const P extends boolean = false>(
  argv: readonly string[],
  options: O,
  positionals?: P,
) {
  try {
    return parseArgs({
      args: [...argv],
      options,
      strict: true,
      allowPositionals: (positionals ?? false) as P,
    });
  } catch (e) {
    throw new UsageError(errorText(e));
  }
}

/** How a CLI words a schema's complaints. */
export type IssueText = (error: z.ZodError) => string;
/** Each complaint's message on one line, `; ` between them. */
export const joinedIssues: IssueText = (error) => error.issues.map((i) => i.message).join('; ');
/** zod's own text: one `✖ message → at field` line per complaint. */
export const prettyIssues: IssueText = (error) => z.prettifyError(error);

/** The value `schema` reads from what the command line gave, or a UsageError worded by `text`. */
export function checkArgs<T>(schema: z.ZodType<T>, value: unknown, text: IssueText = joinedIssues): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(text(r.error));
  return r.data;
}

/** What a CLI prints on stderr for a usage mistake: `<program>: <what is wrong>`, then its usage. */
export const usageText = (program: string, usage: string, e: unknown) =>
  `${program}: ${errorText(e)}\n${usage}\n`;

/** Ends the process for a usage mistake (usageText on stderr, exit 2). */
export function exitForUsage(program: string, usage: string, e: unknown): never {
  process.stderr.write(usageText(program, usage, e));
  process.exit(2);
}
