import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** The tests drive the bundle the host serves: build it from the current sources first. */
export default async function globalSetup(): Promise<void> {
  await build({
    configFile: fileURLToPath(new URL('../src-renderer/vite.config.ts', import.meta.url)),
    logLevel: 'warn',
  });
}
