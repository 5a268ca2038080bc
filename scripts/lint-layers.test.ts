import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Proves that eslint.config.js enforces the layer rule of docs/architecture.md, not only that it says so.
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rule', () => {
  it.each([
    ['src-main/core/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src-main/host/x.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    ['src-shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"],
    [
      'src-shared/x.ts',
      "import { SmtConnection } from '../src-node/smt';\nexport const c = SmtConnection;\n",
    ],
    ['src-renderer/x.ts', "import { connect } from 'node:net';\nexport const c = connect;\n"],
    [
      'src-renderer/x.ts',
      "import { ConsoleCore } from '../src-main/core/console-core';\nexport const c = ConsoleCore;\n",
    ],
    [
      'src-node/x.ts',
      "import { ConsoleCore } from '../src-main/core/console-core';\nexport const c = ConsoleCore;\n",
    ],
    [
      'src-agent/x.ts',
      "import { ConsoleCore } from '../src-main/core/console-core';\nexport const c = ConsoleCore;\n",
    ],
  ])('refuses what %s must not import', async (file, code) => {
    expect(await restrictedImports(file, code)).not.toEqual([]);
  });

  it.each([
    [
      'src-main/core/x.ts',
      "import { z } from 'zod';\nimport { decodeEnvelope } from '../../src-shared/protocol';\nexport const a = [z, decodeEnvelope];\n",
    ],
    ['src-node/x.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n"],
  ])('allows what %s may import', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
