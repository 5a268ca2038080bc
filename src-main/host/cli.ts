/**
 * `npm run host -- [--profile <console profile json>] [--profiles-dir <dir>] [--port N] [--session-grace S]`:
 * the console core and the browser host in one process. Stdout carries one line, `Console: <url>`, which
 * tests and the demo read, and one more for each new session once the previous one ended (no page open
 * for `--session-grace` seconds, 60 by default: its URL is void); every log line goes to stderr.
 *
 * With no profile the page opens on onboarding (import one); with passphrase-sealed profiles and no
 * $SMT_PASSPHRASE it opens on the unlock screen, where the admin types the passphrase (docs/profiles.md,
 * "First run and unlocking"). `--profile` with $SMT_PASSPHRASE (automation: the demo, tests) starts open,
 * or not at all.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { checkArgs, exitForUsage, readArgs } from '../../src-node/command-line';
import { lineLog } from '../../src-node/log';
import { PASSPHRASE_ENV, passphraseSealer, readPassphrase } from '../../src-node/secrets';
import { defaultProfilesDir } from '../core/profiles/registry';
import { startConsoleHost } from './console-host';
import { DEFAULT_SESSION_GRACE_MS } from './server';
import { errorText } from '../../src-shared/util/error-text';

const Args = z.object({
  profile: z
    .string()
    .min(1, '--profile takes a console profile file (lab: .lab/console-profile.json)')
    .optional(),
  'profiles-dir': z.string().min(1, '--profiles-dir takes a directory').optional(),
  port: z.coerce
    .number('--port takes a number')
    .int()
    .min(0, '--port is 0 (any free port) to 65535')
    .max(65535, '--port is 0 (any free port) to 65535')
    .default(0),
  'session-grace': z.coerce
    .number('--session-grace takes a number of seconds')
    .int('--session-grace takes whole seconds')
    .min(1, '--session-grace is 1 to 86400 seconds')
    .max(86_400, '--session-grace is 1 to 86400 seconds')
    .default(DEFAULT_SESSION_GRACE_MS / 1000),
});

const usage =
  'usage: [SMT_PASSPHRASE=…] smt-console [--profile <console-profile.json>] [--profiles-dir <dir>] [--port N]\n' +
  '       [--session-grace SECONDS]  (a browser session ends this long after its last page closed; 60)\n' +
  '(the page imports a first profile, or asks for the passphrase of a sealed one; SMT_PASSPHRASE is for\n' +
  ' automation; profiles are in --profiles-dir, else $SMT_PROFILES_DIR, else ~/.config/smt-console/profiles;\n' +
  ' in a checkout, `npm run host -- …` runs the same)';
const staticDir = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
const STOP_DEADLINE_MS = 10_000;

function parseCli(argv: string[]): z.infer<typeof Args> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  try {
    const { values } = readArgs(argv, {
      profile: { type: 'string' },
      'profiles-dir': { type: 'string' },
      port: { type: 'string' },
      'session-grace': { type: 'string' },
    });
    return checkArgs(Args, values);
  } catch (e) {
    exitForUsage('host', usage, e);
  }
}

async function main(): Promise<void> {
  const args = parseCli(process.argv.slice(2));
  const log = lineLog((line) => process.stderr.write(`[core] ${line}\n`));
  // Only the environment (automation): an admin types the passphrase in the page, never on this terminal.
  const passphrase = process.env[PASSPHRASE_ENV] === undefined ? undefined : await readPassphrase();
  const running = await startConsoleHost({
    ...(args.profile === undefined ? {} : { profileFile: args.profile }),
    profilesDir: args['profiles-dir'] ?? defaultProfilesDir(),
    ...(passphrase === undefined
      ? {}
      : {
          startPassphrase: passphrase,
          ...(args.profile === undefined ? {} : { sealers: [passphraseSealer(passphrase)] }),
        }),
    port: args.port,
    staticDir,
    log,
    hostLog: (line) => process.stderr.write(`[host] ${line}\n`),
    sessionGraceMs: args['session-grace'] * 1000,
    onNewUrl: (url) => process.stdout.write(`Console: ${url}\n`),
  });
  process.stdout.write(`Console: ${running.host.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[host] ${signal}: stopping\n`);
    // A broker that never answers must not keep the process alive past the deadline.
    setTimeout(() => {
      process.stderr.write('[host] did not stop in time; exiting\n');
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    void running.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`[host] stop failed: ${errorText(e)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`host: ${errorText(e)}\n`);
  process.exit(1);
});
