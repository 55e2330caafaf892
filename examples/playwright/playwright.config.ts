import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '@twofold/testing';
import type { TwofoldTestOptions, TwofoldWorkerOptions } from '@twofold/testing/playwright';
import { createExampleApp } from './server.js';

export default defineConfig<TwofoldTestOptions, TwofoldWorkerOptions>({
  testDir: 'tests',
  // Face checks run face-api in worker threads on the server and in the page: on a 2-core
  // machine one test at a time is fastest. Raise it where you have cores.
  workers: 1,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    browserName: 'chromium',
    // A system Chromium (no browser download needed); elsewhere drop executablePath and run `npx playwright install chromium`.
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    // The `twofold` fixture serves this app around the Twofold API, with face analysis on.
    twofoldOptions: { app: (twofold) => createExampleApp({ twofold }), face: { threads: 1 } },
  },
});
