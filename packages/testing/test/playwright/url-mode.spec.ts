import { expect, startTwofoldServer, test, type TwofoldTestServer } from '../../src/playwright/index.js';
import { fixturePage } from './page.js';
import { signUpAndMatch, unique } from './modes.js';

// Playwright's `webServer` case: the server runs outside the fixture (here a worker fixture of
// this file starts one, as `webServer` would start yours) and the fixture only gets its URL and key.
const connected = test.extend<object, { external: TwofoldTestServer }>({
  external: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright requires a destructuring pattern as a fixture's first parameter
    async ({}, use) => {
      const server = await startTwofoldServer({
        app: (tf) => (req) => (new URL(req.url).pathname === '/' ? fixturePage() : tf.handler(req)),
      });
      await use(server);
      await server.close();
    },
    { scope: 'worker', timeout: 120_000 },
  ],
  twofoldOptions: [async ({ external }, use) => use({ url: external.url, apiKey: external.apiKey }), { scope: 'worker' }],
});

connected(
  'URL and service key: sign-up in the page; toHaveCredentialFor, toHaveDevice and the service client over HTTP',
  async ({ page, authenticator, twofold, external }) => {
    expect(twofold).not.toBe(external);
    await signUpAndMatch(page, authenticator, twofold);
    const { userId } = await twofold.service.createUser({ username: unique('grace') });
    await expect(twofold).toHaveDevice({ userId, count: 0 });
    expect(() => twofold.server).toThrow(/twofoldOptions\.url.*twofold\.service/);
  },
);
