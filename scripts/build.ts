// The one build of everything that ships, with esbuild (~1 s a bundle). Every bundle inlines its
// JavaScript dependencies, so nothing needs TypeScript, tsx or the source tree; no source maps ship.
//   dist/electron/main.js, preload.cjs   the Electron shell (package.json "main"; electron-builder.yml)
//   dist/cli/smt.mjs                     the `smt` CLI            (bin/smt.mjs; also in the Electron package)
//   dist/host/host.mjs                   the browser host         (serves dist/renderer, built by vite)
//   dist/agent/smt-agent.mjs             the agent                (bin/smt-agent.mjs; the Debian package)
// `tsx scripts/build.ts` builds them all, `tsx scripts/build.ts electron` the shell alone.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';

const root = join(import.meta.dirname, '..');

/** Loaded at run time from the package: Electron provides one, the other is a native addon. */
export const mainExternals = ['electron', 'better-sqlite3'];
/**
 * The console programs leave the native SQLite binding to Node's resolution from the installed package's
 * node_modules; the agent needs nothing native and inlines everything (one file, no node_modules).
 */
export const consoleExternals = ['better-sqlite3'];

/** Where each program's bundle lands, relative to dist/ (bin/*.mjs name the same paths; they run without tsx). */
export const programs = {
  smt: { entry: 'src-main/cli/cli.ts', out: 'cli/smt.mjs', external: consoleExternals },
  host: { entry: 'src-main/host/cli.ts', out: 'host/host.mjs', external: consoleExternals },
  agent: { entry: 'src-agent/cli.ts', out: 'agent/smt-agent.mjs', external: [] as string[] },
} as const;
export type Program = keyof typeof programs;

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  // The metafile's input paths are relative to this (inlinedPackages reads them).
  absWorkingDir: root,
  // engines.node in package.json; the Electron shell runs on Electron's newer Node (buildElectron).
  target: 'node20',
  sourcemap: false,
  logLevel: 'warning',
};

/** ESM output: the inlined CommonJS packages (stompit, ws) call require() for Node built-ins. */
const esm: BuildOptions = {
  format: 'esm',
  banner: {
    js: "import { createRequire as smtCreateRequire } from 'node:module';\nconst require = smtCreateRequire(import.meta.url);",
  },
};

export async function buildElectron(outDir: string): Promise<void> {
  const src = join(root, 'src-main', 'electron');
  await rm(outDir, { recursive: true, force: true });
  await build({
    ...common,
    ...esm,
    target: 'node22',
    entryPoints: [join(src, 'main.ts')],
    outfile: join(outDir, 'main.js'),
    external: mainExternals,
  });
  await build({
    ...common,
    target: 'node22',
    entryPoints: [join(src, 'preload.ts')],
    outfile: join(outDir, 'preload.cjs'),
    format: 'cjs',
    external: ['electron'],
  });
}

/** The npm packages a bundle inlined, by the directory each came from (for its licence). */
export type Inlined = Map<string, string>;

function inlinedPackages(inputs: Record<string, unknown>): Inlined {
  const found = new Map<string, string>();
  for (const input of Object.keys(inputs)) {
    const m = /^(.*node_modules\/)((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m?.[1] !== undefined && m[2] !== undefined) found.set(m[2], join(root, m[1], m[2]));
  }
  return found;
}

/**
 * Builds the Node programs into `distDir` (each into its own directory, emptied first) and says which
 * npm packages each one inlined.
 */
export async function buildPrograms(
  distDir: string,
  which: readonly Program[] = ['smt', 'host', 'agent'],
): Promise<Map<Program, Inlined>> {
  const inlined = new Map<Program, Inlined>();
  for (const name of which) {
    const p = programs[name];
    const outfile = join(distDir, p.out);
    await rm(join(outfile, '..'), { recursive: true, force: true });
    const result = await build({
      ...common,
      ...esm,
      entryPoints: [join(root, p.entry)],
      outfile,
      external: [...p.external],
      metafile: true,
    });
    inlined.set(name, inlinedPackages(result.metafile.inputs));
  }
  return inlined;
}

if (import.meta.filename === process.argv[1]) {
  const dist = join(root, 'dist');
  await buildElectron(join(dist, 'electron'));
  if (process.argv[2] !== 'electron') await buildPrograms(dist);
}
