import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './src/chromium.js';
import type { TwofoldTestOptions, TwofoldWorkerOptions } from './src/playwright/index.js';
import { fixturePage } from './test/playwright/page.js';

/** The fixtures' own tests (`pnpm --filter @twofold/testing test:playwright`). */
export default defineConfig<TwofoldTestOptions, TwofoldWorkerOptions>({
  testDir: 'test/playwright',
  workers: 1,
  timeout: 60_000,
  forbidOnly: !!process.env.CI,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    twofoldOptions: { app: (twofold) => (req) => (new URL(req.url).pathname === '/' ? fixturePage() : twofold.handler(req)) },
  },
});
