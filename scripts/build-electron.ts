// Bundles the Electron shell into dist/electron: main.js (ESM, what package.json "main" names) and
// preload.cjs (CommonJS: a sandboxed preload cannot be an ES module and may require only 'electron').
// Everything but Electron itself and native modules is inlined, so the package needs no TypeScript,
// no tsx and no source tree; no source maps ship.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

/** Loaded at run time from the package: Electron provides one, the other is a native addon. */
export const mainExternals = ['electron', 'better-sqlite3'];

export async function buildElectron(outDir: string): Promise<void> {
  const src = join(import.meta.dirname, '..', 'src-main', 'electron');
  await rm(outDir, { recursive: true, force: true });
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node22',
    sourcemap: false,
    logLevel: 'warning',
  } as const;
  await build({
    ...common,
    entryPoints: [join(src, 'main.ts')],
    outfile: join(outDir, 'main.js'),
    format: 'esm',
    external: mainExternals,
    // The CommonJS packages inlined here (stompit, ws) call require() for Node built-ins.
    banner: {
      js: "import { createRequire as smtCreateRequire } from 'node:module';\nconst require = smtCreateRequire(import.meta.url);",
    },
  });
  await build({
    ...common,
    entryPoints: [join(src, 'preload.ts')],
    outfile: join(outDir, 'preload.cjs'),
    format: 'cjs',
    external: ['electron'],
  });
}

if (import.meta.filename === process.argv[1]) {
  await buildElectron(join(import.meta.dirname, '..', 'dist', 'electron'));
}
