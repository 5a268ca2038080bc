import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface SelfSignedFiles {
  certFile: string;
  keyFile: string;
}

const keyArgs = {
  p256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  ed25519: ['-newkey', 'ed25519'],
} as const;

/**
 * A throwaway self-signed certificate and its unencrypted key, valid two days, written as `<name>.crt`
 * and `<name>.key` in `dir`: what unit tests of TLS loading and config signing need, made by the openssl
 * CLI as an operator (and the lab) would make one, so the tests read files shaped like real ones.
 */
export async function selfSignedCert(
  dir: string,
  name: string,
  opts: {
    subject?: string;
    key?: keyof typeof keyArgs;
    /** `-addext` values, e.g. extendedKeyUsage=serverAuth */ addext?: string[];
  } = {},
): Promise<SelfSignedFiles> {
  const files = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    ...keyArgs[opts.key ?? 'p256'],
    '-nodes',
    '-days',
    '2',
    '-subj',
    opts.subject ?? `/CN=${name}`,
    ...(opts.addext ?? []).flatMap((x) => ['-addext', x]),
    '-keyout',
    files.keyFile,
    '-out',
    files.certFile,
  ]);
  return files;
}
