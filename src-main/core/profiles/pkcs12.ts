import { spawn } from 'node:child_process';
import { pemBlocks } from './pem';

export type Pkcs12Problem = 'wrong-passphrase' | 'unreadable' | 'no-openssl';

export class Pkcs12Error extends Error {
  override name = 'Pkcs12Error';
  constructor(
    readonly problem: Pkcs12Problem,
    message: string,
  ) {
    super(message);
  }
}

/** What a PKCS#12 bundle holds, as PEM text, kept in memory only. */
export interface Pkcs12Contents {
  certs: string[];
  key: string | undefined;
}

const OPENSSL_DEADLINE_MS = 15_000;

/**
 * Opens a PKCS#12 bundle with the `openssl pkcs12` CLI (Node has no PKCS#12 parser that returns the key).
 * The bundle goes in on stdin and the clear key comes back on stdout, so it never touches the disk; the
 * passphrase is written to a pipe on fd 3 (`-passin fd:3`), never argv or the environment, which other
 * processes of the user can read in /proc.
 */
export function readPkcs12(bundle: Buffer, passphrase: string): Promise<Pkcs12Contents> {
  return new Promise((resolve, reject) => {
    const child = spawn('openssl', ['pkcs12', '-noenc', '-passin', 'fd:3'], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), OPENSSL_DEADLINE_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        e.code === 'ENOENT'
          ? new Pkcs12Error(
              'no-openssl',
              'openssl is not installed, so a PKCS#12 bundle cannot be read here: install the openssl package, or import the certificate and key as PEM',
            )
          : e,
      );
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      out.forEach((b) => b.fill(0));
      if (code === 0) {
        // openssl prints bag attributes, friendlyName among them, which the bundle's maker chose.
        const keys = pemBlocks(stdout, ['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY']);
        resolve({ certs: pemBlocks(stdout, ['CERTIFICATE']), key: keys[0] });
        return;
      }
      const stderr = Buffer.concat(err).toString('utf8');
      if (/invalid password|mac verify/i.test(stderr)) {
        reject(
          new Pkcs12Error(
            'wrong-passphrase',
            'The PKCS#12 passphrase is wrong: type the passphrase the bundle was exported with.',
          ),
        );
      } else if (/unsupported|RC2|legacy/i.test(stderr)) {
        reject(
          new Pkcs12Error(
            'unreadable',
            'The PKCS#12 bundle uses a legacy cipher (RC2/3DES) this OpenSSL does not enable: export it again with AES (openssl pkcs12 -export defaults), or import PEM files.',
          ),
        );
      } else {
        reject(
          new Pkcs12Error(
            'unreadable',
            'The file is not a readable PKCS#12 bundle (.p12/.pfx): pick the bundle itself, or import the certificate and key as PEM.',
          ),
        );
      }
    });
    // openssl may exit before reading everything (a bad bundle): a closed pipe then is not our error.
    for (const s of [child.stdin, child.stdio[3]]) s?.on('error', () => undefined);
    const fd3 = child.stdio[3];
    if (fd3 && 'end' in fd3) fd3.end(`${passphrase}\n`);
    child.stdin.end(bundle);
  });
}
