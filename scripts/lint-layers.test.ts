import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves that eslint.config.js enforces the layer rule of docs/architecture.md, not only that it says so:
// each import the table forbids is refused, however it is written, and what the table allows passes.
// The snippets are no files of a TypeScript project: the rules that need types stay off.
const eslint = new ESLint({
  cwd: new URL('..', import.meta.url).pathname,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/switch-exhaustiveness-check': 'off',
    },
  },
});

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'smt/layers').map((m) => m.message);
}

const uses = (specifier: string) => `import * as m from '${specifier}';\nexport const a = m;\n`;

describe('layer rule', () => {
  it.each([
    // Electron only in src-main/electron, however it is named.
    ['src-main/core/x.ts', uses('electron')],
    ['src-main/core/x.ts', uses('electron/main')],
    ['src-main/host/x.ts', uses('electron')],
    ['src-renderer/x.ts', uses('electron/renderer')],
    ['src-main/core/x.ts', uses('../electron/ipc')],
    ['src-main/host/x.ts', uses('../electron/main')],
    ['src-main/cli/x.ts', uses('../../src-main/electron/main')],
    // Node and unlisted packages.
    ['src-shared/x.ts', uses('node:fs')],
    ['src-shared/x.ts', uses('fs/promises')],
    ['src-renderer/x.ts', uses('node:net')],
    ['src-shared/x.ts', uses('better-sqlite3')],
    ['src-renderer/x.ts', uses('better-sqlite3')],
    ['src-node/x.ts', uses('better-sqlite3')],
    ['src-shared/x.ts', uses('zustand/vanilla')],
    ['src-main/core/x.ts', uses('zustand/vanilla')],
    ['src-shared/x.ts', uses('vitest')],
    ['src-agent/agent/x.ts', uses('ws')],
    // Inner layers never import outer ones.
    ['src-shared/x.ts', uses('../src-node/smt')],
    ['src-shared/push/x.ts', uses('../../src-main/core/console-core')],
    ['src-renderer/x.ts', uses('../src-main/core/console-core')],
    ['src-node/x.ts', uses('../src-main/core/console-core')],
    ['src-agent/x.ts', uses('../src-main/core/console-core')],
    ['lab/x.ts', uses('../src-main/core/console-core')],
    // The agent that runs on a remote uses the lab only from simulate/.
    ['src-agent/agent/run.ts', uses('../../lab/pki')],
    ['src-agent/x.ts', uses('../lab/pki')],
    // Production code never imports a test helper.
    ['src-main/core/x.ts', uses('./testing/fake-core')],
    ['src-node/smt/x.ts', uses('./testing/wait')],
    ['src-shared/protocol/x.ts', uses('./testing/hostile')],
    ['lab/x.ts', uses('../src-node/smt/testing/wait')],
    ['src-agent/agent/x.ts', uses('../../tests/helpers/tmpfs')],
    // Every form of import counts.
    ['src-main/core/x.ts', "export async function f() {\n  return import('electron');\n}\n"],
    ['src-main/core/x.ts', "export async function f() {\n  return import('../electron/main');\n}\n"],
    ['src-main/core/x.ts', 'export async function f() {\n  return import(`../electron/main`);\n}\n'],
    ['src-main/core/x.ts', "export * from '../electron/ipc';\n"],
    ['src-main/core/x.ts', "export { app } from 'electron';\n"],
    ['src-main/core/x.ts', "import type { App } from 'electron';\nexport type A = App;\n"],
    ['src-main/core/x.ts', "import 'electron';\n"],
    ['scripts/x.cjs', "module.exports = require('better-sqlite3');\n"],
    ['src-main/core/x.ts', 'export async function f(name: string) {\n  return import(name);\n}\n'],
  ])('refuses, in %s, %j', async (file, code) => {
    expect(await layerErrors(file, code)).not.toEqual([]);
  });

  it.each([
    [
      'src-main/core/x.ts',
      "import { z } from 'zod';\nimport Database from 'better-sqlite3';\nimport { readFileSync } from 'node:fs';\nimport { decodeEnvelope } from '../../src-shared/protocol';\nimport { SmtConnection } from '../../src-node/smt/connection';\nexport const a = [z, Database, readFileSync, decodeEnvelope, SmtConnection];\n",
    ],
    ['src-node/x.ts', uses('node:fs')],
    ['src-main/electron/x.ts', uses('electron/main')],
    ['src-main/electron/x.ts', uses('../host/dispatch')],
    ['src-renderer/store/x.ts', uses('zustand/vanilla')],
    ['src-renderer/x.ts', uses('../src-shared/ipc')],
    ['src-agent/simulate/x.ts', uses('../../lab/pki')],
    ['src-agent/x.ts', uses('./simulate/faults')],
    // Tests and helpers may use the helpers and the test packages; the tools may use everything.
    [
      'src-main/core/x.test.ts',
      "import { it } from 'vitest';\nimport { FakeCore } from './testing/fake-core';\nexport const a = [it, FakeCore];\n",
    ],
    ['src-shared/protocol/testing/x.ts', uses('fast-check')],
    ['bench/x.ts', uses('../src-node/smt/testing/wait')],
    ['tests/integration/x.test.ts', uses('../../lab/lab')],
    [
      'src-main/core/x.ts',
      "export async function f() {\n  return import('../../src-node/smt/connection');\n}\n",
    ],
  ])('allows, in %s, %j', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
