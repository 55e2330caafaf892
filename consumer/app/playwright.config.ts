import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '@twofold/testing';
import type { TwofoldTestOptions, TwofoldWorkerOptions } from '@twofold/testing/playwright';

const port = Number(process.env.PORT ?? 3000);
const url = `http://localhost:${port}`; // WebAuthn needs localhost, not 127.0.0.1

export default defineConfig<TwofoldTestOptions, TwofoldWorkerOptions>({
  testDir: 'tests',
  workers: 1,
  timeout: 60_000,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  // The bank runs its own server; the fixtures talk to it over HTTP with the backend's API key.
  webServer: {
    command: 'node dist/server.js',
    url: `${url}/auth/.well-known/jwks.json`,
    reuseExistingServer: false,
    stdout: 'pipe',
    timeout: 60_000,
  },
  use: {
    baseURL: url,
    browserName: 'chromium',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    twofoldOptions: { url, apiKey: process.env.SERVICE_API_KEY!, basePath: '/auth' },
  },
});
