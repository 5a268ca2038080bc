import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export type BrokerName = 'primary' | 'secondary';
export const brokerNames: readonly BrokerName[] = ['primary', 'secondary'];

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where every file of one lab lives. One conf dir for both brokers keeps their allowlists identical. */
export function labLayout(dir: string) {
  const pki = join(dir, 'pki');
  const conf = join(dir, 'conf');
  return {
    dir,
    stateFile: join(dir, 'state.json'),
    lockFile: join(dir, 'lab.lock'),
    consoleProfile: join(dir, 'console-profile.json'),
    pki,
    opensslConf: join(pki, 'openssl.cnf'),
    caCrt: join(pki, 'ca.crt'),
    caKey: join(pki, 'ca.key'),
    serverCrt: join(pki, 'server.crt'),
    serverKey: join(pki, 'server.key'),
    consoleCrt: join(pki, 'console.crt'),
    /** Sealed with the lab passphrase (docs/security.md, "Secrets at rest"), as are the signer's. */
    consoleKey: join(pki, 'console.key.sealed'),
    signerCrt: join(pki, 'signer.crt'),
    signerKey: join(pki, 'signer.key.sealed'),
    /** Clear keys an older lab wrote; removed when their sealed successors are made. */
    plainConsoleKeys: [join(pki, 'console.key'), join(pki, 'signer.key')],
    /** The random passphrase of this lab's sealed console keys (0600): for the demo and tests. */
    consolePassphrase: join(dir, 'console-passphrase'),
    remotesDir: join(pki, 'remotes'),
    remoteCrt: (rid: string) => join(pki, 'remotes', `${rid}.crt`),
    remoteKey: (rid: string) => join(pki, 'remotes', `${rid}.key`),
    unlistedDir: join(pki, 'unlisted'),
    /** Extra console identities for tests (provisionConsole); plain keys, unlike the lab console's. */
    extraConsoleCrt: (name: string) => join(pki, 'consoles', `${name}.crt`),
    extraConsoleKey: (name: string) => join(pki, 'consoles', `${name}.key`),
    /** Certificates with a flaw (expired, wrong key usage…) for the certificate matrix. */
    flawedDir: join(pki, 'flawed'),
    conf,
    usersFile: join(conf, 'users.properties'),
    groupsFile: join(conf, 'groups.properties'),
    keystore: join(conf, 'broker-keystore.p12'),
    truststore: join(conf, 'broker-truststore.p12'),
    secretsFile: join(conf, 'broker-secrets.properties'),
    shared: join(dir, 'shared'),
    broker: (name: BrokerName) => ({
      base: join(dir, name, 'base'),
      lib: join(dir, name, 'base', 'lib'),
      data: join(dir, name, 'data'),
      log: join(dir, name, 'log'),
      stdoutLog: join(dir, name, 'log', 'stdout.log'),
      activemqLog: join(dir, name, 'data', 'activemq.log'),
      pidFile: join(dir, `${name}.pid`),
    }),
  };
}
export type LabLayout = ReturnType<typeof labLayout>;

/** Which lab a call works on: `dir`, else $SMT_LAB_DIR, else .lab/ at the repository root. */
export interface LabOptions {
  dir?: string;
}

export function labDir(opts?: LabOptions): string {
  return resolve(opts?.dir ?? process.env.SMT_LAB_DIR ?? join(repoRoot, '.lab'));
}

export const layoutOf = (opts?: LabOptions) => labLayout(labDir(opts));

/** The files under broker/ that an operator deploys; the lab copies them into its conf dir on every up. */
export const brokerTemplates = {
  conf: join(repoRoot, 'broker', 'conf'),
  files: ['activemq.xml', 'login.config', 'log4j.properties'] as const,
  pluginSrc: join(repoRoot, 'broker', 'plugin', 'src'),
  /** Java checks that run the plugin's filters in an embedded broker (lab/*.test.ts drive them). */
  pluginTest: join(repoRoot, 'broker', 'plugin', 'test'),
  pluginBuild: join(repoRoot, 'broker', 'plugin', 'build'),
  pluginJar: join(repoRoot, 'broker', 'plugin', 'build', 'smt-identity-plugin.jar'),
};

/** Debian's ActiveMQ layout (package activemq 5.17). */
export const activemq = {
  home: '/usr/share/activemq',
  launcher: '/usr/share/activemq/bin/activemq.jar',
  lib: '/usr/share/activemq/lib',
  /** The statistics plugin's JSON replies need these two, which Debian installs but leaves off the classpath. */
  extraJars: ['/usr/share/java/xstream.jar', '/usr/share/java/jettison.jar'],
};
