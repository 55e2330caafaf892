import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '@twofold/testing';
import type { TwofoldTestOptions, TwofoldWorkerOptions } from '@twofold/testing/playwright';

/**
 * The project's own e2e tests: the demo (demo/server.ts, started once by playwright-setup.ts) in
 * headless system Chromium, with the @twofold/testing/playwright fixtures. One worker: the tests
 * share the demo's server and its test clock, and face checks need the 2 cores.
 */
export default defineConfig<TwofoldTestOptions, TwofoldWorkerOptions>({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './playwright-setup.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  outputDir: '.artifacts/test-results',
  reporter: [['list'], ['html', { open: 'never', outputFolder: '.artifacts/playwright-report' }]],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
});
