// `npm run package:agent`: the agent as a Debian package, dist/packages/smt-agent_<version>_all.deb.
// The agent bundle (scripts/build.ts) is one file with every dependency inlined, so the package is
// Architecture: all and needs only nodejs and BIND's tools. The files it installs besides the bundle are
// in packaging/deb/ (docs/agent.md, "Install"):
//   /usr/bin/smt-agent                      packaging/deb/smt-agent.sh
//   /usr/lib/smt-agent/smt-agent.mjs        the bundle
//   /lib/systemd/system/smt-agent.service   packaging/deb/smt-agent.service
//   /etc/smt-agent/agent.json               packaging/deb/agent.json (a conffile: upgrades keep the admin's)
//   /usr/share/doc/smt-agent/…, man8        copyright (this project's and each inlined package's licence),
//                                           docs/agent.md, the man page
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { buildPrograms, programs, type Inlined } from './build';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const source = join(root, 'packaging', 'deb');

export const PACKAGE = 'smt-agent';
/** Where the package puts its files (the tests read the extracted tree by these). */
export const installed = {
  bin: 'usr/bin/smt-agent',
  bundle: 'usr/lib/smt-agent/smt-agent.mjs',
  unit: 'lib/systemd/system/smt-agent.service',
  config: 'etc/smt-agent/agent.json',
} as const;

const Manifest = z.object({
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'package.json version must be MAJOR.MINOR.PATCH'),
  license: z.literal('Apache-2.0'),
});

/** The version of the newest entry of packaging/deb/changelog, which must be package.json's. */
function changelogVersion(text: string): string | undefined {
  return /^smt-agent \(([^)]+)\)/.exec(text)?.[1];
}

/** A DEP-5 stand-alone licence paragraph body: every line indented, empty lines as " .". */
const dep5Text = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => (l.trim() === '' ? ' .' : ` ${l.trimEnd()}`))
    .join('\n');

async function licenceOf(dir: string): Promise<{ name: string; license: string; text: string }> {
  const pkg = z
    .object({ name: z.string(), license: z.string() })
    .parse(JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')));
  const file = (await readdir(dir)).find((f) => /^licen[cs]e(\.(md|txt))?$/i.test(f));
  if (!file) throw new Error(`${pkg.name} (inlined in the agent) has no LICENSE file to copy`);
  return { ...pkg, text: await readFile(join(dir, file), 'utf8') };
}

/** Debian's copyright file: this project's licence, then each inlined npm package with its own text. */
async function copyright(inlined: Inlined): Promise<string> {
  const parts = [
    [
      'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
      'Upstream-Name: smt-console',
      'Comment: usr/lib/smt-agent/smt-agent.mjs is built from the smt-console sources and inlines',
      ' the npm packages listed below, each under its own licence.',
    ].join('\n'),
    [
      'Files: *',
      'Copyright: SMT Console contributors',
      'License: Apache-2.0',
      ' On Debian systems, the full text of the Apache License, Version 2.0 can be found',
      ' in /usr/share/common-licenses/Apache-2.0.',
    ].join('\n'),
  ];
  for (const dir of [...inlined.values()].sort()) {
    const { name, license, text } = await licenceOf(dir);
    const holders = text
      .split('\n')
      .filter((l) => /^\s*copyright\s*(\(c\)|©|\d)/i.test(l))
      .map((l) => l.trim().replace(/^copyright\s*/i, ''));
    parts.push(
      [
        `Files: node_modules/${name}/*`,
        `Copyright: ${holders.join('\n ') || `the ${name} authors`}`,
        `License: ${license}`,
        dep5Text(text),
      ].join('\n'),
    );
  }
  return `${parts.join('\n\n')}\n`;
}

async function put(stage: string, path: string, content: string | Buffer, mode: number): Promise<void> {
  const file = join(stage, path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, content);
  await chmod(file, mode);
}

/** Sum of the files' sizes in KiB, each rounded up, as dpkg-gencontrol counts Installed-Size. */
async function installedSizeKb(dir: string): Promise<number> {
  let kb = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) kb += 1 + (await installedSizeKb(path));
    else kb += Math.ceil((await stat(path)).size / 1024);
  }
  return kb;
}

/** Builds the agent bundle and the package into `outDir`; returns the .deb's path. */
export async function buildAgentDeb(outDir: string): Promise<string> {
  const manifest = Manifest.parse(JSON.parse(await readFile(join(root, 'package.json'), 'utf8')));
  const changelog = await readFile(join(source, 'changelog'), 'utf8');
  if (changelogVersion(changelog) !== manifest.version) {
    throw new Error(
      `packaging/deb/changelog's newest entry is ${changelogVersion(changelog) ?? 'missing'}, package.json says ` +
        `${manifest.version}: add an entry for ${manifest.version} at the top`,
    );
  }
  const work = await mkdtemp(join(tmpdir(), 'smt-agent-deb-'));
  try {
    const inlined = (await buildPrograms(join(work, 'dist'), ['agent'])).get('agent') ?? new Map();
    const stage = join(work, 'root');
    const text = (name: string) => readFile(join(source, name));
    await put(stage, installed.bin, await text('smt-agent.sh'), 0o755);
    await put(stage, installed.bundle, await readFile(join(work, 'dist', programs.agent.out)), 0o644);
    await put(stage, installed.unit, await text('smt-agent.service'), 0o644);
    await put(stage, installed.config, await text('agent.json'), 0o644);
    const doc = `usr/share/doc/${PACKAGE}`;
    await put(stage, `${doc}/copyright`, await copyright(inlined), 0o644);
    // A native package (no Debian revision): its changelog is changelog.gz.
    await put(stage, `${doc}/changelog.gz`, gzipSync(changelog, { level: 9 }), 0o644);
    // What the agent's messages and the man page point to ("docs/agent.md, Enrol").
    const guide = await readFile(join(root, 'docs', 'agent.md'));
    await put(stage, `${doc}/agent.md.gz`, gzipSync(guide, { level: 9 }), 0o644);
    await put(
      stage,
      'usr/share/man/man8/smt-agent.8.gz',
      gzipSync(await text('smt-agent.8'), { level: 9 }),
      0o644,
    );

    const control = [
      `Package: ${PACKAGE}`,
      `Version: ${manifest.version}`,
      'Architecture: all',
      'Maintainer: SMT Console maintainers <smt-console@example.net>',
      `Installed-Size: ${await installedSizeKb(stage)}`,
      // named-checkzone and rndc (bind9-utils), dig (bind9-dnsutils); Kea is reached over its socket.
      'Depends: nodejs (>= 20.18), bind9-utils, bind9-dnsutils, adduser',
      // A remote serves DNS, DHCP or both: either server, neither required.
      'Recommends: bind9 | kea-dhcp4-server',
      'Suggests: bind9, kea-dhcp4-server',
      'Section: net',
      'Priority: optional',
      'Description: agent of a DNS/DHCP remote for the SMT Console',
      ' Connects this DNS (BIND 9) and DHCP (Kea) server to its IPAM through the',
      " IPAM's ActiveMQ brokers over mutual TLS: it reports the host's statistics",
      " and the servers' usage, applies the zones and scopes the console pushes,",
      ' runs commands and answers queries.',
    ].join('\n');
    await put(stage, 'DEBIAN/control', `${control}\n`, 0o644);
    await put(stage, 'DEBIAN/conffiles', `/${installed.config}\n`, 0o644);
    for (const script of ['postinst', 'prerm', 'postrm']) {
      await put(stage, `DEBIAN/${script}`, await text(script), 0o755);
    }
    // dpkg --verify and debsums check the installed files against these (a conffile is not listed, as
    // dh_md5sums does: dpkg keeps its own hash of it).
    const sums = (
      await run('find', ['.', '-path', './DEBIAN', '-prune', '-o', '-type', 'f', '-print'], { cwd: stage })
    ).stdout
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^\.\//, ''))
      .filter((f) => f !== installed.config)
      .sort();
    const md5 = async (f: string) =>
      createHash('md5')
        .update(await readFile(join(stage, f)))
        .digest('hex');
    const lines = await Promise.all(sums.map(async (f) => `${await md5(f)}  ${f}`));
    await put(stage, 'DEBIAN/md5sums', `${lines.join('\n')}\n`, 0o644);
    // Whatever the umask of the one who builds: directories 0755.
    await run('find', [stage, '-type', 'd', '-exec', 'chmod', '0755', '{}', '+']);
    await mkdir(outDir, { recursive: true });
    const deb = join(outDir, `${PACKAGE}_${manifest.version}_all.deb`);
    await run('dpkg-deb', ['--root-owner-group', '--build', stage, deb]);
    return deb;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) {
  const deb = await buildAgentDeb(join(root, 'dist', 'packages'));
  process.stdout.write(`${deb}\n`);
}
