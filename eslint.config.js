// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

// The layer rule of docs/architecture.md: dependencies point inward to src-shared.
const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const layer = (
  /** @type {string} */ why,
  /** @type {string[]} */ groups,
  /** @type {string[]} */ names = [],
) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: names.map((name) => ({ name, message: why })),
      patterns: groups.length ? [{ group: groups, message: why }] : [],
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.lab/',
      '.lab-*/',
      'docs/protocol/',
      'test-results/',
      'playwright-report/',
      'broker/plugin/build/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src-shared/**'],
    rules: layer(
      'src-shared is the common layer: no Node built-ins, no runtime-specific packages, no outer layers.',
      ['**/src-node/**', '**/src-main/**', '**/src-renderer/**', '**/src-agent/**', '**/lab/**'],
      [...nodeBuiltins, 'electron', 'stompit', 'ws', 'react', 'zustand'],
    ),
  },
  {
    files: ['src-node/**'],
    rules: layer(
      'src-node is shared by the core and the agent: it imports src-shared only.',
      ['**/src-main/**', '**/src-renderer/**', '**/src-agent/**', '**/lab/**'],
      ['electron', 'react', 'zustand'],
    ),
  },
  {
    files: ['src-main/core/**', 'src-main/host/**', 'src-main/cli/**'],
    rules: layer(
      'The core runs under plain Node: never import electron, the renderer, or the agent.',
      ['**/src-main/electron/**', '**/src-renderer/**', '**/src-agent/**', '**/lab/**', 'electron/*'],
      ['electron', 'react', 'zustand'],
    ),
  },
  {
    files: ['src-main/electron/**'],
    rules: layer(
      'The Electron shell wires the core to windows; it never reaches into the renderer or the agent.',
      ['**/src-renderer/**', '**/src-agent/**', '**/lab/**'],
    ),
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: layer(
      'The renderer is sandboxed: it talks only to window.smt (src-shared/ipc), never to Node.',
      ['**/src-node/**', '**/src-main/**', '**/src-agent/**', '**/lab/**'],
      [...nodeBuiltins, 'electron', 'stompit', 'ws'],
    ),
  },
  {
    files: ['src-agent/**'],
    rules: layer(
      'The agent runs on a remote: it imports src-shared and src-node only.',
      ['**/src-main/**', '**/src-renderer/**'],
      ['electron', 'react', 'zustand'],
    ),
  },
);
