import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'src-*/**/*.test.ts',
            'src-*/**/*.test.tsx',
            'lab/**/*.test.ts',
            'scripts/**/*.test.ts',
            'chaos/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          // Real brokers, BIND and Kea: one file at a time on a 2-core machine, generous hooks.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
