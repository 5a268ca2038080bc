import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { KeyPurpose } from '../src-node/secrets';
import type { TlsFiles } from '../src-shared/profile';
import { mapBounded } from '../src-shared/util/map-bounded';
import { opensslSubject, type Role } from './allowlist';
import type { LabLayout } from './paths';

const run = promisify(execFile);

/**
 * The lab PKI, made with the openssl CLI: EC P-256 keys, SHA-256 signatures. Our own config file, so
 * the system openssl.cnf's defaults (CA:true on every -x509 certificate) never leak into client certs.
 */
const opensslConfig = `# Written by the SMT lab; used only with -extensions <section>.
[req]
distinguished_name = dn
prompt = no
[dn]
[ca_ext]
basicConstraints = critical,CA:true,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[signer_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[client_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server_auth_only_ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[key_agreement_only_ext]
basicConstraints = critical,CA:false
keyUsage = critical,keyAgreement
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

export const labConsoleId = 'lab-console';

/**
 * \`openssl ca\` (the only OpenSSL 3.0 command that sets arbitrary validity dates) needs a CA section
 * with a database; each flawed certificate gets a throw-away one. The policy keeps the subject as given.
 */
const caSection = (dir: string) => `[ca]
default_ca = flawed_ca
[flawed_ca]
database = ${dir}/index.txt
serial = ${dir}/serial
new_certs_dir = ${dir}
default_md = sha256
policy = any_dn
unique_subject = no
[any_dn]
organizationName = optional
organizationalUnitName = optional
commonName = supplied
`;

const keyArgs = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-sha256'];

/** Runs openssl; its stdout (where a key to be sealed is written) is returned. */
async function openssl(args: string[]): Promise<string> {
  try {
    return (await run('openssl', args, { maxBuffer: 1 << 20 })).stdout;
  } catch (e) {
    const err = e as Error & { stderr?: string; code?: string | number };
    if (err.code === 'ENOENT') throw new Error('openssl not found: install the Debian package openssl');
    throw new Error(`openssl ${args[0]} failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function mtime(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.mtimeMs,
    () => -1,
  );
}

const tmpName = (path: string) => `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;

interface CertRequest {
  subject: string;
  extensions: 'server_ext' | 'client_ext' | 'signer_ext';
  days: number;
  crt: string;
  key: string;
  /** Turns the new PEM key into the text of a sealed key file; the clear key then never touches disk. */
  seal?: (pem: string) => Promise<string>;
}

/** One openssl process makes the key and the CA-signed certificate (OpenSSL 3's req -CA). */
async function issue(conf: string, ca: { crt: string; key: string }, req: CertRequest): Promise<void> {
  const [tmpKey, tmpCrt] = [tmpName(req.key), tmpName(req.crt)];
  try {
    const stdout = await openssl([
      'req',
      '-config',
      conf,
      '-x509',
      ...keyArgs,
      '-CA',
      ca.crt,
      '-CAkey',
      ca.key,
      '-days',
      String(req.days),
      '-subj',
      req.subject,
      '-extensions',
      req.extensions,
      '-keyout',
      req.seal ? '-' : tmpKey,
      '-out',
      tmpCrt,
    ]);
    if (req.seal) await writeFile(tmpKey, await req.seal(stdout), { mode: 0o600 });
    await chmod(tmpKey, 0o600);
    // Key first: a certificate on disk always has its key beside it.
    await rename(tmpKey, req.key);
    await rename(tmpCrt, req.crt);
  } finally {
    await Promise.all([rm(tmpKey, { force: true }), rm(tmpCrt, { force: true })]);
  }
}

async function makeCa(conf: string, crt: string, key: string, subject: string): Promise<void> {
  await openssl(
    ['req', '-config', conf, '-x509', ...keyArgs, '-days', '3650', '-subj', subject].concat([
      '-extensions',
      'ca_ext',
      '-keyout',
      key,
      '-out',
      crt,
    ]),
  );
  await chmod(key, 0o600);
}

/**
 * CA, broker server certificate, console certificate and config signer, each made only when missing.
 * The signer's key signs configuration only (no TLS use), so a stolen console TLS key cannot sign.
 * The console's two keys are written sealed by `seal`. Caller holds the lab lock.
 */
export async function ensurePki(
  layout: LabLayout,
  seal: (pem: string, purpose: KeyPurpose) => Promise<string>,
): Promise<void> {
  await mkdir(layout.remotesDir, { recursive: true, mode: 0o700 });
  await writeFile(layout.opensslConf, opensslConfig);
  if (!(await exists(layout.caCrt)) || !(await exists(layout.caKey))) {
    await makeCa(layout.opensslConf, layout.caCrt, layout.caKey, `/O=SMT Lab/CN=SMT Lab CA`);
  }
  const ca = { crt: layout.caCrt, key: layout.caKey };
  const caTime = await mtime(layout.caCrt);
  if ((await mtime(layout.serverCrt)) < caTime) {
    await issue(layout.opensslConf, ca, {
      subject: '/O=SMT Lab/OU=brokers/CN=localhost',
      extensions: 'server_ext',
      days: 825,
      crt: layout.serverCrt,
      key: layout.serverKey,
    });
  }
  const stale = async (crt: string, key: string) => (await mtime(crt)) < caTime || !(await exists(key));
  if (await stale(layout.consoleCrt, layout.consoleKey)) {
    await issue(layout.opensslConf, ca, {
      subject: opensslSubject(labConsoleId, 'consoles'),
      extensions: 'client_ext',
      days: 825,
      crt: layout.consoleCrt,
      key: layout.consoleKey,
      seal: (pem) => seal(pem, 'tls'),
    });
  }
  if (await stale(layout.signerCrt, layout.signerKey)) {
    await issue(layout.opensslConf, ca, {
      subject: '/O=SMT Lab/OU=signers/CN=SMT Lab config signer',
      extensions: 'signer_ext',
      days: 825,
      crt: layout.signerCrt,
      key: layout.signerKey,
      seal: (pem) => seal(pem, 'signing'),
    });
  }
  await Promise.all(layout.plainConsoleKeys.map((f) => rm(f, { force: true })));
}

/** How long a lab client certificate is valid unless asked otherwise (`provision --days`). */
export const CLIENT_CERT_DAYS = 825;

/** Client certificates for many names at once, a few openssl processes in parallel (~10 ms each). */
export async function issueClientCerts(
  layout: LabLayout,
  items: readonly { name: string; role: Role; crt: string; key: string }[],
  days = CLIENT_CERT_DAYS,
): Promise<void> {
  const ca = { crt: layout.caCrt, key: layout.caKey };
  await mapBounded(items, Math.max(2, availableParallelism() * 2), (item) =>
    issue(layout.opensslConf, ca, {
      subject: opensslSubject(item.name, item.role),
      extensions: 'client_ext',
      days,
      crt: item.crt,
      key: item.key,
    }),
  );
}

/**
 * The broker's PKCS12 key store (server key + chain) and trust store (the lab CA only; keytool marks it
 * trusted, which Java requires and OpenSSL 3.0's pkcs12 cannot). Remade when a certificate is newer.
 */
export async function ensureBrokerStores(layout: LabLayout, password: string): Promise<void> {
  const newest = Math.max(await mtime(layout.serverCrt), await mtime(layout.caCrt));
  if ((await mtime(layout.keystore)) < newest) {
    const tmp = tmpName(layout.keystore);
    await openssl(
      ['pkcs12', '-export', '-in', layout.serverCrt, '-inkey', layout.serverKey, '-certfile'].concat([
        layout.caCrt,
        '-name',
        'broker',
        '-passout',
        `pass:${password}`,
        '-out',
        tmp,
      ]),
    );
    await chmod(tmp, 0o600);
    await rename(tmp, layout.keystore);
  }
  if ((await mtime(layout.truststore)) < newest) {
    const tmp = tmpName(layout.truststore);
    try {
      await run(
        'keytool',
        ['-importcert', '-noprompt', '-storetype', 'PKCS12', '-keystore', tmp].concat([
          '-storepass',
          password,
          '-alias',
          'smt-lab-ca',
          '-file',
          layout.caCrt,
        ]),
      );
    } catch (e) {
      const err = e as Error & { stdout?: string; code?: string | number };
      if (err.code === 'ENOENT') throw new Error('keytool not found: install openjdk-17-jdk-headless');
      throw new Error(`keytool -importcert failed: ${(err.stdout ?? err.message).trim()}`);
    }
    await rename(tmp, layout.truststore);
  }
}

/** A client certificate from the lab CA for a name that is NOT added to the allowlist (negative tests). */
export async function issueUnlisted(
  layout: LabLayout,
  name: string,
  role: Role,
  outDir: string,
): Promise<TlsFiles> {
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const files = {
    caFile: layout.caCrt,
    certFile: join(outDir, `${name}.crt`),
    keyFile: join(outDir, `${name}.key`),
  };
  await issueClientCerts(layout, [{ name, role, crt: files.certFile, key: files.keyFile }]);
  return files;
}

/**
 * A CA unrelated to any lab, and a client certificate from it whose subject looks exactly like a lab
 * lab identity's: the broker must refuse it on the chain alone. caFile is the foreign CA.
 */
export async function makeForeignIdentity(
  outDir: string,
  name: string,
  role: Role = 'remotes',
): Promise<TlsFiles> {
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const conf = join(outDir, 'openssl.cnf');
  await writeFile(conf, opensslConfig);
  const ca = { crt: join(outDir, 'foreign-ca.crt'), key: join(outDir, 'foreign-ca.key') };
  await makeCa(conf, ca.crt, ca.key, '/O=SMT Lab/CN=SMT Lab CA');
  const files = {
    caFile: ca.crt,
    certFile: join(outDir, `${name}.crt`),
    keyFile: join(outDir, `${name}.key`),
  };
  await issue(conf, ca, {
    subject: opensslSubject(name, role),
    extensions: 'client_ext',
    days: 30,
    crt: files.certFile,
    key: files.keyFile,
  });
  return files;
}

/**
 * How a certificate of the certificate matrix (tests/integration/cert-matrix.ts) departs from a good
 * client certificate: outside its validity period, or with key usages that forbid TLS client auth.
 */
export type CertFlaw = 'expired' | 'not-yet-valid' | 'server-auth-only' | 'key-agreement-only';

const day = 86_400_000;
const flaws: Record<CertFlaw, { extensions: string; from: number; to: number }> = {
  expired: { extensions: 'client_ext', from: -60 * day, to: -day },
  'not-yet-valid': { extensions: 'client_ext', from: 30 * day, to: 400 * day },
  'server-auth-only': { extensions: 'server_auth_only_ext', from: -day, to: 30 * day },
  'key-agreement-only': { extensions: 'key_agreement_only_ext', from: -day, to: 30 * day },
};

/** openssl ca's date form, YYYYMMDDHHMMSSZ. */
const asn1Time = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:T]/g, '')
    .replace(/\.\d+Z$/, 'Z');

/**
 * A client certificate from the lab CA with `flaw`, for a subject that may well be provisioned: the
 * broker must refuse it on the certificate alone. Plain key (a negative-test identity, not a console's).
 */
export async function issueFlawed(
  layout: LabLayout,
  name: string,
  role: Role,
  flaw: CertFlaw,
  outDir: string,
): Promise<TlsFiles> {
  await mkdir(outDir, { recursive: true, mode: 0o700 });
  const files = {
    caFile: layout.caCrt,
    certFile: join(outDir, `${name}.${flaw}.crt`),
    keyFile: join(outDir, `${name}.${flaw}.key`),
  };
  const scratch = tmpName(join(outDir, `ca-${flaw}`));
  await mkdir(scratch, { mode: 0o700 });
  try {
    const conf = join(scratch, 'openssl.cnf');
    await writeFile(conf, opensslConfig + caSection(scratch));
    await writeFile(join(scratch, 'index.txt'), '');
    const csr = join(scratch, 'req.csr');
    await openssl(
      ['req', '-config', conf, '-new', ...keyArgs, '-subj', opensslSubject(name, role)].concat([
        '-keyout',
        files.keyFile,
        '-out',
        csr,
      ]),
    );
    await chmod(files.keyFile, 0o600);
    const { extensions, from, to } = flaws[flaw];
    const now = Date.now();
    await openssl(
      ['ca', '-config', conf, '-batch', '-notext', '-create_serial', '-preserveDN'].concat([
        '-cert',
        layout.caCrt,
        '-keyfile',
        layout.caKey,
        '-extensions',
        extensions,
        '-startdate',
        asn1Time(now + from),
        '-enddate',
        asn1Time(now + to),
        '-in',
        csr,
        '-out',
        files.certFile,
      ]),
    );
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return files;
}
