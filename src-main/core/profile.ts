import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ConsoleProfile } from '../../src-shared/profile';

export class ProfileError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProfileError';
  }
}

/**
 * Reads a console profile (JSON) and validates it. Relative TLS and signing paths are taken from the profile's own
 * directory, so a profile and its certificates can move together.
 */
export async function loadConsoleProfile(file: string): Promise<ConsoleProfile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ProfileError(
      file,
      code === 'ENOENT'
        ? `console profile ${file} does not exist (run \`npm run lab -- up\` for the lab profile)`
        : `console profile ${file} cannot be read: ${(e as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ProfileError(file, `console profile ${file} is not JSON: ${(e as Error).message}`);
  }
  const parsed = ConsoleProfile.safeParse(json);
  if (!parsed.success) {
    throw new ProfileError(file, `console profile ${file} is invalid:\n${z.prettifyError(parsed.error)}`);
  }
  const base = dirname(resolve(file));
  const p = parsed.data;
  return {
    ...p,
    tls: {
      caFile: resolve(base, p.tls.caFile),
      certFile: resolve(base, p.tls.certFile),
      keyFile: resolve(base, p.tls.keyFile),
    },
    ...(p.signing
      ? {
          signing: {
            certFile: resolve(base, p.signing.certFile),
            keyFile: resolve(base, p.signing.keyFile),
          },
        }
      : {}),
  };
}
