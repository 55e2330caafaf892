import { defineConfig } from 'vitest/config';

// pnpm's bin shims (`pnpm test:unit`, `npx vitest`) set NODE_PATH to the store's hoisted folder,
// where Node's require finds every package of the workspace from any folder. A consumer's app has
// no such path, so the test workers (started from this process's environment) resolve without it,
// as the app's Node would: the face-peer checks resolve from a folder outside the workspace.
delete process.env.NODE_PATH;

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
