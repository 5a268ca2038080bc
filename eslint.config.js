// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

import { layerRule } from './scripts/eslint-layer-rule.js';

/**
 * The layer rule of docs/architecture.md: dependencies point inward to src-shared, and each layer names the
 * packages it may use (`node` for Node's built-ins). A file belongs to the first layer holding it.
 * scripts/lint-layers.test.ts feeds the rule every import the table forbids.
 */
const app = ['src-main/core', 'src-node', 'src-shared'];
const layers = [
  { name: 'src-shared', paths: ['src-shared'], mayImport: [], packages: ['zod'] },
  { name: 'src-node', paths: ['src-node'], mayImport: ['src-shared'], packages: ['node', 'zod', 'stompit'] },
  {
    name: 'src-main/core',
    paths: ['src-main/core'],
    mayImport: ['src-node', 'src-shared'],
    packages: ['node', 'zod', 'better-sqlite3'],
  },
  { name: 'src-main/host', paths: ['src-main/host'], mayImport: app, packages: ['node', 'zod', 'ws'] },
  { name: 'src-main/cli', paths: ['src-main/cli'], mayImport: app, packages: ['node', 'zod'] },
  {
    name: 'src-main/electron',
    paths: ['src-main/electron'],
    mayImport: [...app, 'src-main/host'],
    packages: ['node', 'zod', 'electron'],
  },
  // The renderer's build configuration runs under Node; the renderer itself is sandboxed.
  {
    name: 'renderer build',
    paths: ['src-renderer/vite.config.ts'],
    mayImport: [],
    packages: ['node', 'vite', '@vitejs/plugin-react'],
  },
  {
    name: 'src-renderer',
    paths: ['src-renderer'],
    mayImport: ['src-shared'],
    packages: ['zod', 'react', 'react-dom', 'zustand', '@tanstack/react-virtual', 'uplot'],
  },
  // Only the simulation may use the lab (its certificates); the agent that runs on a remote may not.
  {
    name: 'src-agent/simulate',
    paths: ['src-agent/simulate'],
    mayImport: ['src-agent', 'src-node', 'src-shared', 'lab'],
    packages: ['node', 'zod'],
  },
  {
    name: 'src-agent',
    paths: ['src-agent'],
    mayImport: ['src-agent/simulate', 'src-node', 'src-shared'],
    packages: ['node', 'zod'],
  },
  { name: 'lab', paths: ['lab'], mayImport: ['src-node', 'src-shared'], packages: ['node', 'zod'] },
  { name: 'bin', paths: ['bin'], mayImport: [], packages: ['node'] },
  // The tools around the product may use all of it, and the test helpers.
  ...[
    { name: 'bench', packages: ['node', 'zod', 'stompit', 'ws', '@playwright/test'] },
    { name: 'chaos', packages: ['node', 'zod'] },
    { name: 'e2e', packages: ['node', 'zod', '@playwright/test', 'vite'] },
    // electron-builder's own dependency: the package test reads the app archive it wrote.
    { name: 'tests', packages: ['node', 'zod', 'vite', '@electron/asar'] },
  ].map((tool) => ({ ...tool, paths: [tool.name], mayImport: ['*'], usesTestHelpers: true })),
  {
    name: 'scripts',
    paths: ['scripts'],
    mayImport: ['*'],
    packages: ['node', 'zod', 'electron', 'esbuild', 'eslint'],
  },
  {
    name: 'configuration',
    paths: ['eslint.config.js', 'vitest.config.ts'],
    mayImport: ['scripts'],
    packages: ['node', '@eslint/js', 'typescript-eslint', 'globals', 'vitest'],
  },
];

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
    // Rules that need the types: every file of a tsconfig (the renderer's own included).
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
    },
  },
  {
    plugins: { smt: { rules: { layers: layerRule } } },
    rules: {
      'smt/layers': [
        'error',
        {
          root: import.meta.dirname,
          layers,
          // Helpers beside the code they fake (src-*/**/testing/) and the process-level ones (tests/helpers).
          testHelpers: ['testing', 'tests/helpers'],
          testPackages: ['vitest', 'fast-check'],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
