import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const rendererIndex = fileURLToPath(new URL('../../dist/renderer/index.html', import.meta.url));
export const screenshotsDir = fileURLToPath(new URL('../../docs/screenshots', import.meta.url));
