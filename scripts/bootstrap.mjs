#!/usr/bin/env node
// Installs what `npm run demo` and `npm test` need on a fresh Debian 12 machine that has only Node.
// Dependency-free on purpose: it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const log = (msg) => quiet || console.log(`[bootstrap] ${msg}`);

/** Debian packages the lab, the agent's real mode and the tests use (README lists why each is needed). */
export const debianPackages = [
  'activemq',
  'openjdk-17-jdk-headless',
  'chromium',
  'openssl',
  'bind9',
  'bind9-utils',
  'bind9-dnsutils',
  'kea-dhcp4-server',
  // udhcpc: the lease search test's DHCP clients in a network namespace (tests/helpers/dhcp-netns.ts).
  'busybox',
  'xvfb',
  'python3-stomp',
  'python3-jsonschema',
  // The Python peer verifies config signatures (ES256, Ed25519) with it.
  'python3-cryptography',
  // The agent's .deb: lintian checks it, systemd-analyze (in systemd) verifies its unit. dpkg-deb, which
  // builds and unpacks it, comes with dpkg itself.
  'lintian',
  'systemd',
];

function fail(message) {
  console.error(`[bootstrap] ${message}`);
  process.exit(1);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 18))
    fail(`Node ${process.versions.node} is too old: install Node 20.18 or newer.`);
}

function missingDebianPackages() {
  if (!existsSync('/usr/bin/dpkg-query')) {
    fail(
      `this is not a Debian-based system: install the equivalents of ${debianPackages.join(' ')} and re-run.`,
    );
  }
  return debianPackages.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function installDebianPackages(missing) {
  const command = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0)
    fail(`missing Debian packages: ${missing.join(' ')}.\nRun as root:\n  sudo sh -c '${command}'`);
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}

function npmDepsStale() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

function installNpmDeps() {
  log('installing npm packages (npm ci)');
  // The Electron runtime cannot be downloaded on these machines; its types and packaging tools still install.
  const env = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };
  const r = spawnSync('npm', ['ci', '--no-fund', '--no-audit'], { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0)
    fail('npm ci failed: see the output above, fix the network or the lock file, and re-run.');
}

/**
 * A checkout whose node_modules links to another's (a git worktree sharing one install) must not run
 * `npm ci` here: npm empties the linked directory through the link, under every other checkout using it.
 */
function linkedNodeModules() {
  const dir = join(root, 'node_modules');
  return existsSync(dir) && lstatSync(dir).isSymbolicLink() ? realpathSync(dir) : undefined;
}

checkNode();
const missing = missingDebianPackages();
if (missing.length > 0) installDebianPackages(missing);
const linked = linkedNodeModules();
if (linked !== undefined) log(`node_modules links to ${linked}: packages are installed there, not here`);
else if (npmDepsStale()) installNpmDeps();
log('all dependencies present');
