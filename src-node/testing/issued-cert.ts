import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SelfSignedFiles } from './self-signed';

const run = promisify(execFile);

/** openssl's UTCTime: YYMMDDHHMMSSZ. */
const utcTime = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';

/**
 * A client certificate issued by `ca` (a selfSignedCert, which the system openssl.cnf makes a CA) with
 * exactly the validity asked for, written as `<name>.crt` and `<name>.key` in `dir`. `openssl ca` is the
 * one openssl 3.0 command that takes explicit start and end dates, so expired and not-yet-valid
 * certificates are real ones rather than a moved clock.
 */
export async function issuedCert(
  dir: string,
  ca: SelfSignedFiles,
  name: string,
  opts: { from?: Date; until?: Date; subject?: string; extendedKeyUsage?: string } = {},
): Promise<SelfSignedFiles> {
  const work = join(dir, `.${name}-ca`);
  await mkdir(work, { recursive: true });
  const conf = join(work, 'ca.cnf');
  await writeFile(join(work, 'index.txt'), '');
  await writeFile(
    conf,
    [
      '[ca]',
      'default_ca = ca_default',
      '[ca_default]',
      `database = ${join(work, 'index.txt')}`,
      `new_certs_dir = ${work}`,
      `serial = ${join(work, 'serial')}`,
      'default_md = sha256',
      'policy = any',
      'copy_extensions = none',
      'x509_extensions = client',
      '[any]',
      'commonName = supplied',
      'organizationName = optional',
      '[client]',
      'basicConstraints = critical,CA:false',
      'keyUsage = critical,digitalSignature',
      `extendedKeyUsage = ${opts.extendedKeyUsage ?? 'clientAuth'}`,
      '',
    ].join('\n'),
  );
  const files = { certFile: join(dir, `${name}.crt`), keyFile: join(dir, `${name}.key`) };
  const csr = join(work, `${name}.csr`);
  await run('openssl', [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    opts.subject ?? `/CN=${name}`,
    '-keyout',
    files.keyFile,
    '-out',
    csr,
  ]);
  const from = opts.from ?? new Date(Date.now() - 3_600_000);
  const until = opts.until ?? new Date(Date.now() + 2 * 86_400_000);
  await run('openssl', [
    'ca',
    '-batch',
    '-config',
    conf,
    '-rand_serial',
    '-notext',
    '-cert',
    ca.certFile,
    '-keyfile',
    ca.keyFile,
    '-startdate',
    utcTime(from),
    '-enddate',
    utcTime(until),
    '-in',
    csr,
    '-out',
    files.certFile,
  ]);
  return files;
}

/** The PKCS#12 export of a certificate and its key (plus the CA), as an admin's tools would make it. */
export async function pkcs12Of(
  files: SelfSignedFiles,
  ca: SelfSignedFiles,
  passphrase: string,
): Promise<Buffer> {
  const out = `${files.certFile}.p12`;
  await run(
    'openssl',
    [
      'pkcs12',
      '-export',
      '-in',
      files.certFile,
      '-inkey',
      files.keyFile,
      '-certfile',
      ca.certFile,
      '-passout',
      'env:P12_PASS',
      '-out',
      out,
    ],
    { env: { ...process.env, P12_PASS: passphrase } },
  );
  return readFile(out);
}
