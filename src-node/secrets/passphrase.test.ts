import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { PassphraseError, readPassphrase } from './passphrase';

/** A terminal that types `keys` once the prompt has put it in raw mode. */
class FakeTty extends EventEmitter {
  isTTY = true;
  raw: boolean[] = [];
  constructor(private readonly keys: string) {
    super();
  }
  setRawMode(mode: boolean) {
    this.raw.push(mode);
  }
  setEncoding() {}
  resume() {
    queueMicrotask(() => this.emit('data', this.keys));
  }
  pause() {}
}

const sink = () => {
  const out: string[] = [];
  return { out, write: (t: string) => void out.push(t) };
};

describe('readPassphrase', () => {
  it('takes SMT_PASSPHRASE and removes it, so children do not inherit it', async () => {
    const env: Record<string, string | undefined> = { SMT_PASSPHRASE: 's3cret' };
    expect(await readPassphrase({ env })).toBe('s3cret');
    expect(env).not.toHaveProperty('SMT_PASSPHRASE');
  });

  it('prompts on a terminal without echo, with backspace, and leaves raw mode', async () => {
    const tty = new FakeTty('secreX\u007ft\r');
    const output = sink();
    expect(await readPassphrase({ env: {}, input: tty, output, prompt: 'pw: ' })).toBe('secret');
    expect(output.out.join('')).toBe('pw: \n');
    expect(tty.raw).toEqual([true, false]);
  });

  it('is cancelled by Ctrl-C', async () => {
    await expect(readPassphrase({ env: {}, input: new FakeTty('ab\u0003'), output: sink() })).rejects.toThrow(
      'passphrase entry cancelled',
    );
  });

  it('without a terminal or the variable, says how to give it', async () => {
    const pipe = new FakeTty('');
    pipe.isTTY = false;
    const e = await readPassphrase({ env: {}, input: pipe }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PassphraseError);
    expect((e as Error).message).toContain('set SMT_PASSPHRASE (for automation)');
  });

  it('refuses an empty passphrase', async () => {
    await expect(readPassphrase({ env: { SMT_PASSPHRASE: '' } })).rejects.toThrow(
      'SMT_PASSPHRASE is set but empty',
    );
    await expect(readPassphrase({ env: {}, input: new FakeTty('\r'), output: sink() })).rejects.toThrow(
      'the passphrase is empty',
    );
  });
});
