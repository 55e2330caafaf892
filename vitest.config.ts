import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@twofold/source'] },
  ssr: { resolve: { conditions: ['@twofold/source'] } },
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
