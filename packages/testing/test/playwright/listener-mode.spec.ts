import { toNodeListener } from '@twofold/server/node';
import { expect, test } from '../../src/playwright/index.js';
import { sendPage, signUpAndMatch } from './modes.js';

// The `twofold` fixture around a Node listener, as an Express app is: `twofoldOptions.listener`.
test.use({
  twofoldOptions: {
    // What an Express app does with app.use(toNodeListener(twofold.handler)): its own routes, next() for the rest.
    listener: (twofold) => {
      const api = toNodeListener(twofold.handler);
      return (req, res) => (req.url === '/' ? sendPage(res) : api(req, res, () => res.writeHead(404).end('not the app’s')));
    },
  },
});

test('Node listener: sign-up in the page; toHaveCredentialFor, toHaveDevice and the in-process server', async ({
  page,
  authenticator,
  twofold,
}) => {
  const userId = await signUpAndMatch(page, authenticator, twofold);
  expect((await twofold.server.users.get({ userId })).userId).toBe(userId);
});
