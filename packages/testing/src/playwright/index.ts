/**
 * `@twofold/testing/playwright` — `@playwright/test` fixtures for apps that use Twofold:
 * - `authenticator`: a virtual platform authenticator on the test's `page` (CDP on Chromium, or
 *   Playwright's built-in `browserContext.credentials`), see {@link createTestAuthenticator};
 * - `camera`: fake cameras per test (a person following face challenges, a still photo, a replayed
 *   recording, or Chromium's fake capture device playing a `.y4m`), see {@link createTestCamera};
 * - `twofold`: a Twofold server on in-memory PGlite, one per worker, around your app (a Fetch
 *   handler or a Node listener such as an Express app), with a service client, see
 *   {@link startTwofoldServer}; or a server started elsewhere (Playwright's `webServer`), reached
 *   by URL and a service API key, see {@link connectTwofoldServer};
 * - `newDevice`: another device (browser context + page + authenticator, optionally a camera),
 *   closed after the test;
 * - `expect` with `toHaveCredentialFor` and `toHaveDevice`.
 *
 * @example
 * import { test, expect } from '@twofold/testing/playwright';
 * test('sign up', async ({ page, authenticator, twofold }) => {
 *   await page.goto(twofold.url);
 *   // … the app creates a passkey …
 *   await expect(authenticator).toHaveCredentialFor(userId);
 * });
 */
import { expect as baseExpect, test as base } from '@playwright/test';
import type { BrowserContext, Page } from 'playwright-core';
import type { VirtualAuthenticatorOptions } from '../virtual-authenticator.js';
import { createTestAuthenticator, type AuthenticatorBackend, type TestAuthenticator } from './authenticator.js';
import { createTestCamera, type FollowCameraOptions, type TestCamera } from './camera.js';
import { openTwofoldServer, type TwofoldServerOptions, type TwofoldTestServer } from './server.js';

export * from './authenticator.js';
export * from './camera.js';
export * from './server.js';

/** Options of the `newDevice` fixture's function. */
export interface NewDeviceOptions {
  /** A camera that follows face challenges with this person (see `camera.follow`). Default: no camera. */
  camera?: FollowCameraOptions;
  /** The device's authenticator back-end. Default: the `authenticatorBackend` option. */
  backend?: AuthenticatorBackend;
  /** Settings of its `cdp` authenticator. Default: the `authenticatorOptions` option. */
  virtual?: VirtualAuthenticatorOptions;
  /** Open this URL first (e.g. `twofold.url`). */
  url?: string;
}

/** Another device: its own browser context (storage, cookies), page and authenticator. */
export interface TestDevice {
  context: BrowserContext;
  page: Page;
  authenticator: TestAuthenticator;
}

/** Per-test options: set with `test.use({...})` or in the config's `use`. */
export interface TwofoldTestOptions {
  /** Which virtual authenticator backs `authenticator` and `newDevice`. Default `auto` (CDP on Chromium). */
  authenticatorBackend: AuthenticatorBackend;
  /** Settings of the CDP authenticator (UV, transport, backup defaults, …). */
  authenticatorOptions: VirtualAuthenticatorOptions;
}

/** Per-worker options (changing them starts a new worker). */
export interface TwofoldWorkerOptions {
  /**
   * The `twofold` fixture's server. Started per worker: `{ app }` (a Fetch handler around the API)
   * or `{ listener }` (a Node listener: an Express app, `koaApp.callback()`), plus `face` and
   * `createTwofold` settings (`twofold`); default: only the API. Or connected, for a server
   * started elsewhere (Playwright's `webServer`): `{ url, apiKey, basePath? }`.
   */
  twofoldOptions: TwofoldServerOptions;
}

/** The fixtures this module adds. */
export interface TwofoldFixtures {
  authenticator: TestAuthenticator;
  camera: TestCamera;
  newDevice: (options?: NewDeviceOptions) => Promise<TestDevice>;
}

/** The worker fixtures this module adds. */
export interface TwofoldWorkerFixtures {
  twofold: TwofoldTestServer;
}

const pageAuthenticators = new WeakMap<Page, TestAuthenticator>();

/**
 * `@playwright/test`'s `test` with the Twofold fixtures. The test's `page` always has a virtual
 * authenticator (the `authenticator` fixture is its handle). Extend it further with `test.extend`, or
 * set options with `test.use({ twofoldOptions: { app, face: true } })`.
 */
export const test = base.extend<TwofoldTestOptions & TwofoldFixtures, TwofoldWorkerOptions & TwofoldWorkerFixtures>({
  authenticatorBackend: ['auto', { option: true }],
  authenticatorOptions: [{}, { option: true }],
  twofoldOptions: [{}, { option: true, scope: 'worker' }],

  twofold: [
    async ({ twofoldOptions }, use) => {
      const server = await openTwofoldServer(twofoldOptions);
      try {
        await use(server);
      } finally {
        await server.close();
      }
    },
    // PGlite takes 4–7 s to start (more with face workers): give the worker fixture time.
    { scope: 'worker', timeout: 120_000 },
  ],

  // Every test page gets its authenticator when the page is created (whether or not the test asks
  // for `authenticator`): an app's WebAuthn call never meets a device without one.
  page: async ({ page, authenticatorBackend, authenticatorOptions }, use) => {
    pageAuthenticators.set(page, await createTestAuthenticator({ page, backend: authenticatorBackend, virtual: authenticatorOptions }));
    await use(page);
  },

  authenticator: async ({ page }, use) => {
    await use(pageAuthenticators.get(page)!);
  },

  camera: async ({ context, browser, browserName, playwright, launchOptions }, use, testInfo) => {
    const camera = createTestCamera({
      context,
      browser,
      browserName,
      browserType: playwright[browserName],
      launchOptions,
      outputPath: (name) => testInfo.outputPath(name),
    });
    try {
      await use(camera);
    } finally {
      await camera.dispose();
    }
  },

  newDevice: async ({ browser, authenticatorBackend, authenticatorOptions, camera }, use) => {
    const contexts: BrowserContext[] = [];
    try {
      await use(async (o = {}) => {
        const context = await browser.newContext();
        contexts.push(context);
        if (o.camera) await camera.follow({ ...o.camera, context });
        const page = await context.newPage();
        const authenticator = await createTestAuthenticator({
          page,
          backend: o.backend ?? authenticatorBackend,
          virtual: o.virtual ?? authenticatorOptions,
        });
        if (o.url) await page.goto(o.url);
        return { context, page, authenticator };
      });
    } finally {
      await Promise.allSettled(contexts.map((c) => c.close()));
    }
  },
});

/** Options of the `toHaveCredentialFor` and `toHaveDevice` assertions. */
export interface TwofoldAssertionOptions {
  /** How long to retry, ms. Default: the expect timeout (5 s unless configured). */
  timeout?: number;
}

async function poll<T>(timeout: number, read: () => Promise<T>, ok: (value: T) => boolean): Promise<{ last: T }> {
  const end = Date.now() + timeout;
  let last = await read();
  while (!ok(last) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  return { last };
}

/**
 * `@playwright/test`'s `expect` with two retrying assertions:
 * - `await expect(authenticator).toHaveCredentialFor(userId, { rpId? })`: the authenticator holds a
 *   passkey whose user handle is that Twofold user id;
 * - `await expect(twofold).toHaveDevice({ userId, type?, count? })`: the server lists such a
 *   device for the user (exactly `count` of them, when given). Asked over HTTP with the fixture's
 *   service key (scope `devices.read`), so it works whether the fixture started the server or
 *   connected to one.
 */
export const expect = baseExpect.extend({
  async toHaveCredentialFor(authenticator: TestAuthenticator, userId: string, options: TwofoldAssertionOptions & { rpId?: string } = {}) {
    const timeout = options.timeout ?? this.timeout ?? 5000;
    const has = (cs: { userHandle: string }[]) => cs.some((c) => c.userHandle === userId);
    // Retry until the wanted state (held, or with .not gone); `pass` reports what was found.
    const { last } = await poll(
      timeout,
      () => authenticator.credentials(options.rpId ? { rpId: options.rpId } : {}),
      (cs) => has(cs) !== this.isNot,
    );
    return {
      name: 'toHaveCredentialFor',
      pass: has(last),
      message: () =>
        `expected the ${authenticator.backend} authenticator ${this.isNot ? 'not ' : ''}to hold a credential for user ${userId}` +
        ` (it holds ${last.length}: ${last.map((c) => `${c.rpId}/${c.userHandle}`).join(', ') || 'none'})`,
    };
  },
  async toHaveDevice(
    twofold: TwofoldTestServer,
    device: TwofoldAssertionOptions & { userId: string; type?: 'passkey' | 'backup' | 'temporary'; count?: number },
  ) {
    const timeout = device.timeout ?? this.timeout ?? 5000;
    const matches = (ds: { type: string }[]) => ds.filter((d) => !device.type || d.type === device.type).length;
    const ok = (ds: { type: string }[]) => (device.count === undefined ? matches(ds) > 0 : matches(ds) === device.count);
    const { last } = await poll(
      timeout,
      () => twofold.service.listDevices({ userId: device.userId }),
      (ds) => ok(ds) !== this.isNot,
    );
    return {
      name: 'toHaveDevice',
      pass: ok(last),
      message: () =>
        `expected user ${device.userId} ${this.isNot ? 'not ' : ''}to have ${device.count ?? 'a'} ${device.type ?? ''} device(s); the server lists ${last.map((d) => d.type).join(', ') || 'none'}`,
    };
  },
});
