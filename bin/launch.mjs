// Runs one of this package's programs. In a checkout (its TypeScript source is here and tsx is installed)
// that is the source through tsx, as `npm run smt` / `npm run agent` do: a bundle in dist/ may be older
// than the source it came from, and the tests that spawn these bins must test the code as it is. In an
// installed package (no sources: see `files` in package.json) it is the bundle `npm run build` wrote.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function resolveTsx() {
  try {
    return createRequire(import.meta.url).resolve('tsx/cli');
  } catch {
    return undefined; // A checkout installed without devDependencies: the bundle, if built.
  }
}

/** `source` and `bundle` are relative to the package root (bundle: scripts/build.ts `programs`). */
export async function launch(name, source, bundle) {
  const tsx = existsSync(join(root, source)) ? resolveTsx() : undefined;
  if (tsx) {
    const child = spawn(process.execPath, [tsx, join(root, source), ...process.argv.slice(2)], {
      stdio: 'inherit',
    });
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
    return;
  }
  const built = join(root, bundle);
  if (!existsSync(built)) {
    process.stderr.write(`${name}: ${built} is missing: run \`npm run build\` in ${root} first\n`);
    process.exit(2);
  }
  // As if node had been started on the bundle itself: `smt` runs its main only when it is that script.
  process.argv[1] = built;
  // eslint-disable-next-line smt/layers -- the built bundle, chosen at run time, not a source module
  await import(pathToFileURL(built).href);
}
