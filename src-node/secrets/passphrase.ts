/** The passphrase of the console's sealed keys, asked once per start. */

/** For automation only (CI, tests, the demo): an environment is readable by the user's other processes. */
export const PASSPHRASE_ENV = 'SMT_PASSPHRASE';

export class PassphraseError extends Error {}

interface Terminal {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
  resume(): unknown;
  pause(): unknown;
  on(event: 'data', listener: (chunk: string) => void): unknown;
  off(event: 'data', listener: (chunk: string) => void): unknown;
}

export interface PassphraseSource {
  env?: Record<string, string | undefined>;
  input?: Terminal;
  /** Where the prompt goes: stderr, as stdout may be read by a program. */
  output?: { write(text: string): unknown };
  prompt?: string;
}

/** Reads a line without echo; Ctrl-C or Ctrl-D cancels. */
function promptHidden(input: Terminal, output: { write(text: string): unknown }, prompt: string) {
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      input.off('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004')
          return finish(new PassphraseError('passphrase entry cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    output.write(prompt);
    input.setRawMode?.(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}

/**
 * $SMT_PASSPHRASE when set (and then removed from `env`, so no child process inherits it), else a
 * prompt on the terminal without echo. No terminal and no variable is an error that says what to do.
 */
export async function readPassphrase(source: PassphraseSource = {}): Promise<string> {
  const env = source.env ?? process.env;
  const fromEnv = env[PASSPHRASE_ENV];
  if (fromEnv !== undefined) {
    delete env.SMT_PASSPHRASE;
    if (fromEnv.length === 0) throw new PassphraseError(`${PASSPHRASE_ENV} is set but empty`);
    return fromEnv;
  }
  const input = source.input ?? process.stdin;
  if (!input.isTTY || !input.setRawMode) {
    throw new PassphraseError(
      `the console's private keys are sealed and no passphrase was given: run on a terminal to type it, ` +
        `or set ${PASSPHRASE_ENV} (for automation)`,
    );
  }
  const value = await promptHidden(
    input,
    source.output ?? process.stderr,
    source.prompt ?? 'Passphrase of the console keys: ',
  );
  if (value.length === 0) throw new PassphraseError('the passphrase is empty');
  return value;
}
